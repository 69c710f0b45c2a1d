-- A run's lease: the process that owns a QUEUED or RUNNING run renews heartbeat_at every few
-- seconds. At start, a process fails only runs whose lease expired (their owner is dead), with
-- ended_at = the last heartbeat; runs of other live processes sharing the database are left alone.
ALTER TABLE runs ADD COLUMN heartbeat_at TIMESTAMP(6) WITH TIME ZONE;
UPDATE runs SET heartbeat_at = COALESCE(started_at, created_at) WHERE status IN ('QUEUED', 'RUNNING');
