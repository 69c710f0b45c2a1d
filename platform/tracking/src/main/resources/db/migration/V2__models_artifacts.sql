-- ONNX: files a run produced (its exports) and the models registered for inference (imported
-- from any ONNX file, or exported from a run). The files live under the data directory; rows hold
-- their path relative to it, their SHA-256 and what the graph declares.

CREATE TABLE run_artifacts (
  run_id     VARCHAR(32) NOT NULL,
  name       VARCHAR(255) NOT NULL,
  kind       VARCHAR(32) NOT NULL,
  path       VARCHAR(4096) NOT NULL,
  sha256     VARCHAR(64) NOT NULL,
  size_bytes BIGINT NOT NULL,
  created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  -- JSON object: what the artifact is (for ONNX: opset, verification numbers, model id)
  details    CLOB NOT NULL,
  CONSTRAINT run_artifacts_pk PRIMARY KEY (run_id, name),
  CONSTRAINT run_artifacts_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE models (
  id         VARCHAR(32) PRIMARY KEY,
  name       VARCHAR(255) NOT NULL,
  source     VARCHAR(16) NOT NULL,
  -- the run an export came from; no foreign key: a registered model outlives its run
  run_id     VARCHAR(32),
  path       VARCHAR(4096) NOT NULL,
  sha256     VARCHAR(64) NOT NULL,
  size_bytes BIGINT NOT NULL,
  created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  -- JSON object: inputs and outputs (name, type, shape), IR version, opsets, producer, metadata
  signature  CLOB NOT NULL,
  CONSTRAINT models_source_ck CHECK (source IN ('IMPORT', 'EXPORT'))
);

CREATE INDEX models_created_idx ON models (created_at DESC, id DESC);
CREATE INDEX models_run_idx ON models (run_id);
