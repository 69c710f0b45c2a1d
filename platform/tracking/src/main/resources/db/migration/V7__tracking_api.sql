-- The tracking API for outside code (docs/tracking.md): the idempotency keys clients choose when
-- they create a run (the same key returns the same run), and key/value tags of a run.

CREATE TABLE run_client_keys (
  client_key VARCHAR(128) PRIMARY KEY,
  run_id     VARCHAR(32) NOT NULL,
  CONSTRAINT run_client_keys_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE run_tags (
  run_id    VARCHAR(32) NOT NULL,
  tag_key   VARCHAR(255) NOT NULL,
  tag_value VARCHAR(8192) NOT NULL,
  CONSTRAINT run_tags_pk PRIMARY KEY (run_id, tag_key),
  CONSTRAINT run_tags_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);
