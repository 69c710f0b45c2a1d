-- TensorBoard import state (cairn import-tb): which Cairn run each run directory of a log directory
-- became, and per event file how far it has been read, so that importing again (or --follow)
-- appends only what is new. byte_offset always ends a whole record. Rows go with their run.

CREATE TABLE tb_import_runs (
  source  VARCHAR(4096) NOT NULL,
  run_dir VARCHAR(4096) NOT NULL,
  run_id  VARCHAR(32) NOT NULL,
  CONSTRAINT tb_import_runs_pk PRIMARY KEY (source, run_dir),
  CONSTRAINT tb_import_runs_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE tb_import_files (
  run_id      VARCHAR(32) NOT NULL,
  file_name   VARCHAR(1024) NOT NULL,
  byte_offset BIGINT NOT NULL,
  events      BIGINT NOT NULL,
  corrupt     BIGINT NOT NULL,
  CONSTRAINT tb_import_files_pk PRIMARY KEY (run_id, file_name),
  CONSTRAINT tb_import_files_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);
