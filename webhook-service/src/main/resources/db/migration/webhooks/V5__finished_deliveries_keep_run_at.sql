-- A finished delivery keeps a run_at: the time of its last attempt (or of its last change, for
-- rows finished before this version). It was NULL, which misled the planner about the due queue:
-- it takes `status = 'pending'` and `run_at <= now` as independent, so with run_at NULL on every
-- finished row it counted the pending share twice and expected a fraction of the due rows. It then
-- often read and sorted the whole due queue to claim one batch (a bitmap scan), where an index
-- scan in run_at order reads just the batch. run_at is read only for pending rows.
UPDATE deliveries SET run_at = coalesce(last_attempt_at, updated_at) WHERE run_at IS NULL;
ANALYZE deliveries;
