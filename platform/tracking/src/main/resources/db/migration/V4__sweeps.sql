-- Hyperparameter sweeps. A trial is an ordinary run (runs.id) plus the sampled params and what the
-- sweep needs to resume after a restart. A pruned trial's run ends with status PRUNED.
-- V2 is the ONNX artifacts, V3 the dashboard media, V5 the course content.

ALTER TABLE runs DROP CONSTRAINT runs_status_ck;
ALTER TABLE runs ADD CONSTRAINT runs_status_ck
  CHECK (status IN ('QUEUED', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'PRUNED'));

CREATE TABLE sweeps (
  id          VARCHAR(32) PRIMARY KEY,
  name        VARCHAR(255) NOT NULL,
  experiment  VARCHAR(255) NOT NULL,
  status      VARCHAR(16) NOT NULL,
  method      VARCHAR(16) NOT NULL,
  metric      VARCHAR(255) NOT NULL,
  goal        VARCHAR(16) NOT NULL,
  run_cap     INT NOT NULL,
  parallel    INT NOT NULL,
  seed        BIGINT NOT NULL,
  -- SHA-256 of the sweep text and the base spec text: the same sweep started again resumes
  spec_hash   VARCHAR(64) NOT NULL,
  sweep_text  CLOB NOT NULL,
  base_text   CLOB NOT NULL,
  created_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  ended_at    TIMESTAMP(6) WITH TIME ZONE,
  message     VARCHAR(8192),
  CONSTRAINT sweeps_status_ck CHECK (status IN ('RUNNING', 'FINISHED', 'STOPPED'))
);

CREATE INDEX sweeps_created_idx ON sweeps (created_at DESC, id DESC);
CREATE INDEX sweeps_hash_idx ON sweeps (spec_hash, status);

CREATE TABLE sweep_trials (
  sweep_id        VARCHAR(32) NOT NULL,
  trial_no        INT NOT NULL,
  run_id          VARCHAR(32) NOT NULL,
  status          VARCHAR(16) NOT NULL,
  -- JSON object: spec path -> sampled value
  params          CLOB NOT NULL,
  -- the metric's last value (the objective) and its step; null until the trial reports it
  objective       DOUBLE PRECISION,
  objective_step  BIGINT,
  -- the metric step (epoch) at which the pruner stopped the trial
  pruned_step     BIGINT,
  attempts        INT NOT NULL,
  worker          VARCHAR(255),
  message         VARCHAR(8192),
  created_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  dispatched_at   TIMESTAMP(6) WITH TIME ZONE,
  running_at      TIMESTAMP(6) WITH TIME ZONE,
  first_metric_at TIMESTAMP(6) WITH TIME ZONE,
  first_stored_at TIMESTAMP(6) WITH TIME ZONE,
  ended_at        TIMESTAMP(6) WITH TIME ZONE,
  CONSTRAINT sweep_trials_pk PRIMARY KEY (sweep_id, trial_no),
  CONSTRAINT sweep_trials_sweep_fk FOREIGN KEY (sweep_id) REFERENCES sweeps (id) ON DELETE CASCADE,
  -- deleting a run takes its trial row with it; the sweep keeps its other trials
  CONSTRAINT sweep_trials_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE,
  CONSTRAINT sweep_trials_status_ck
    CHECK (status IN ('QUEUED', 'RUNNING', 'FINISHED', 'PRUNED', 'FAILED', 'KILLED'))
);

CREATE INDEX sweep_trials_run_idx ON sweep_trials (run_id);
