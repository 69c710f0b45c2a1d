-- Artifacts are any file of a run (docs/tracking.md, "Artifacts"), not only its ONNX export: a
-- name is now a relative path (up to 1024 characters) and each row says where the file came from
-- (export: Cairn's ONNX export; rest, java-client, mlflow: uploads through those APIs).

ALTER TABLE run_artifacts ALTER COLUMN name SET DATA TYPE VARCHAR(1024);
ALTER TABLE run_artifacts ADD COLUMN source VARCHAR(32) DEFAULT 'export' NOT NULL;
