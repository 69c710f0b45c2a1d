-- The MLflow REST API 2.0 (docs/mlflow.md). An MLflow run is a Cairn run (runs.id) and an MLflow
-- experiment is a Cairn experiment (experiments.id, shown as a numeric string); these tables hold
-- only what MLflow has and Cairn does not: lifecycle stages (soft delete), experiment tags, logged
-- datasets, and the model registry. Experiment "0" is MLflow's "Default".

INSERT INTO experiments (id, name, created_at)
  SELECT 0, 'Default', CURRENT_TIMESTAMP FROM DUAL
  WHERE NOT EXISTS (SELECT 1 FROM experiments WHERE id = 0 OR name = 'Default');

CREATE TABLE mlflow_experiments (
  experiment_id     BIGINT PRIMARY KEY,
  lifecycle_stage   VARCHAR(16) NOT NULL,
  artifact_location VARCHAR(4096),
  last_update_time  BIGINT NOT NULL,
  CONSTRAINT mlflow_experiments_fk FOREIGN KEY (experiment_id) REFERENCES experiments (id) ON DELETE CASCADE,
  CONSTRAINT mlflow_experiments_stage_ck CHECK (lifecycle_stage IN ('active', 'deleted'))
);

CREATE TABLE mlflow_experiment_tags (
  experiment_id BIGINT NOT NULL,
  tag_key       VARCHAR(250) NOT NULL,
  tag_value     VARCHAR(8192) NOT NULL,
  CONSTRAINT mlflow_experiment_tags_pk PRIMARY KEY (experiment_id, tag_key),
  CONSTRAINT mlflow_experiment_tags_fk FOREIGN KEY (experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
);

-- a run without a row here is active; MLflow's delete-run marks it deleted, restore-run removes the mark
CREATE TABLE mlflow_run_stages (
  run_id          VARCHAR(32) PRIMARY KEY,
  lifecycle_stage VARCHAR(16) NOT NULL,
  deleted_time    BIGINT,
  CONSTRAINT mlflow_run_stages_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);

-- log-inputs: datasets a run used, with their input tags (a JSON array of {key, value})
CREATE TABLE mlflow_run_inputs (
  run_id      VARCHAR(32) NOT NULL,
  name        VARCHAR(500) NOT NULL,
  digest      VARCHAR(36) NOT NULL,
  source_type VARCHAR(36) NOT NULL,
  source      CLOB NOT NULL,
  schema_text CLOB,
  profile     CLOB,
  input_tags  CLOB NOT NULL,
  CONSTRAINT mlflow_run_inputs_pk PRIMARY KEY (run_id, name, digest),
  CONSTRAINT mlflow_run_inputs_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE mlflow_registered_models (
  name                   VARCHAR(256) PRIMARY KEY,
  creation_timestamp     BIGINT NOT NULL,
  last_updated_timestamp BIGINT NOT NULL,
  description            VARCHAR(5000),
  owner                  VARCHAR(64) DEFAULT 'local' NOT NULL
);

CREATE TABLE mlflow_registered_model_tags (
  name      VARCHAR(256) NOT NULL,
  tag_key   VARCHAR(250) NOT NULL,
  tag_value VARCHAR(5000) NOT NULL,
  CONSTRAINT mlflow_rm_tags_pk PRIMARY KEY (name, tag_key),
  CONSTRAINT mlflow_rm_tags_fk FOREIGN KEY (name) REFERENCES mlflow_registered_models (name)
    ON DELETE CASCADE ON UPDATE CASCADE
);

-- run_id is the lineage to the Cairn run; no foreign key: a registered version outlives its run
CREATE TABLE mlflow_model_versions (
  name                   VARCHAR(256) NOT NULL,
  version                INT NOT NULL,
  creation_timestamp     BIGINT NOT NULL,
  last_updated_timestamp BIGINT NOT NULL,
  description            VARCHAR(5000),
  source                 VARCHAR(4096),
  run_id                 VARCHAR(32),
  run_link               VARCHAR(4096),
  status                 VARCHAR(20) NOT NULL,
  current_stage          VARCHAR(20) NOT NULL,
  CONSTRAINT mlflow_model_versions_pk PRIMARY KEY (name, version),
  CONSTRAINT mlflow_model_versions_fk FOREIGN KEY (name) REFERENCES mlflow_registered_models (name)
    ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX mlflow_model_versions_run_idx ON mlflow_model_versions (run_id);

CREATE TABLE mlflow_model_version_tags (
  name      VARCHAR(256) NOT NULL,
  version   INT NOT NULL,
  tag_key   VARCHAR(250) NOT NULL,
  tag_value VARCHAR(5000) NOT NULL,
  CONSTRAINT mlflow_mv_tags_pk PRIMARY KEY (name, version, tag_key),
  CONSTRAINT mlflow_mv_tags_fk FOREIGN KEY (name, version) REFERENCES mlflow_model_versions (name, version)
    ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE mlflow_model_aliases (
  name    VARCHAR(256) NOT NULL,
  alias   VARCHAR(256) NOT NULL,
  version INT NOT NULL,
  CONSTRAINT mlflow_model_aliases_pk PRIMARY KEY (name, alias),
  CONSTRAINT mlflow_model_aliases_fk FOREIGN KEY (name, version) REFERENCES mlflow_model_versions (name, version)
    ON DELETE CASCADE ON UPDATE CASCADE
);
