-- Dashboard data beside the scalar chunks: images, histograms, text, the model graph, and the
-- tags and notes users edit in the runs table. Rows go with their run (ON DELETE CASCADE).
-- V2 is reserved for the ONNX artifacts.

CREATE TABLE run_images (
  run_id    VARCHAR(32) NOT NULL,
  tag       VARCHAR(255) NOT NULL,
  step      BIGINT NOT NULL,
  wall_time BIGINT NOT NULL,
  width     INT NOT NULL,
  height    INT NOT NULL,
  caption   VARCHAR(65536),
  png       BLOB NOT NULL,
  CONSTRAINT run_images_pk PRIMARY KEY (run_id, tag, step),
  CONSTRAINT run_images_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);

-- limits (right bucket edges) and counts are packed big-endian doubles / longs
CREATE TABLE run_histograms (
  run_id      VARCHAR(32) NOT NULL,
  tag         VARCHAR(255) NOT NULL,
  step        BIGINT NOT NULL,
  wall_time   BIGINT NOT NULL,
  min_value   DOUBLE PRECISION NOT NULL,
  max_value   DOUBLE PRECISION NOT NULL,
  num         BIGINT NOT NULL,
  sum_values  DOUBLE PRECISION NOT NULL,
  sum_squares DOUBLE PRECISION NOT NULL,
  non_finite  BIGINT NOT NULL,
  limits      VARBINARY(65536) NOT NULL,
  counts      VARBINARY(65536) NOT NULL,
  CONSTRAINT run_histograms_pk PRIMARY KEY (run_id, tag, step),
  CONSTRAINT run_histograms_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE run_texts (
  run_id    VARCHAR(32) NOT NULL,
  tag       VARCHAR(255) NOT NULL,
  step      BIGINT NOT NULL,
  wall_time BIGINT NOT NULL,
  body      CLOB NOT NULL,
  CONSTRAINT run_texts_pk PRIMARY KEY (run_id, tag, step),
  CONSTRAINT run_texts_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE run_graphs (
  run_id VARCHAR(32) PRIMARY KEY,
  graph  CLOB NOT NULL,
  CONSTRAINT run_graphs_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);

-- tags: comma-separated labels
CREATE TABLE run_notes (
  run_id VARCHAR(32) PRIMARY KEY,
  tags   VARCHAR(4096) NOT NULL,
  notes  VARCHAR(65536) NOT NULL,
  CONSTRAINT run_notes_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);
