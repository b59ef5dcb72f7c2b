-- A due delivery whose endpoint has no room (its attempts at their share on the instance that met
-- it) waits in its endpoint's own queue, out of the shared queue of due deliveries: the backlog of
-- one slow or dead endpoint is then never in the way of a claim looking for other endpoints' work.
-- Any instance with room for the endpoint takes its parked deliveries, oldest due first.
ALTER TABLE deliveries ADD COLUMN parked boolean NOT NULL DEFAULT false;
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (run_at) WHERE status = 'pending' AND NOT parked;
CREATE INDEX deliveries_parked ON deliveries (endpoint_id, run_at) WHERE status = 'pending' AND parked;
