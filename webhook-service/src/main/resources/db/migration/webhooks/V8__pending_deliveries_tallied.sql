-- Pending deliveries are tallied as finished ones are (totals plus increments, folded now and
-- then), so that job status no longer counts them. Counting them took every instance's heartbeat,
-- twice a second, through the whole pending index: ~90 ms for 800k pending rows (an endpoint down
-- for a few hours at a hundred events a second), more with replicas and dead tuples.
--
-- The increments are written by statement triggers from the rows each statement changed, so that
-- no statement of the service that creates, parks, claims, finishes, retries or purges deliveries
-- can forget them (a tally that drifted once would stay wrong); a TRUNCATE empties the tally too.
-- Writes that skip triggers (session_replication_role = replica, disabled triggers, a data-only
-- restore) leave it wrong: docs/deploy.md has the statement that counts it again. Kinds:
-- 'waiting' (pending, not parked) and 'parked' (pending, parked behind its endpoint's share).
CREATE TABLE delivery_pending_totals (
    status text   PRIMARY KEY,
    n      bigint NOT NULL
);
CREATE TABLE delivery_pending_increments (
    id     bigserial PRIMARY KEY,
    status text      NOT NULL,
    delta  int       NOT NULL
);

CREATE FUNCTION deliveries_pending_tally() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  -- A transition table exists only for the operations that have it.
  IF TG_OP = 'INSERT' THEN
    INSERT INTO delivery_pending_increments (status, delta)
    SELECT CASE WHEN parked THEN 'parked' ELSE 'waiting' END, count(*) FROM new_rows
    WHERE status = 'pending' GROUP BY 1;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO delivery_pending_increments (status, delta)
    SELECT kind, sum(delta) FROM (
      SELECT CASE WHEN parked THEN 'parked' ELSE 'waiting' END AS kind, 1 AS delta
      FROM new_rows WHERE status = 'pending'
      UNION ALL
      SELECT CASE WHEN parked THEN 'parked' ELSE 'waiting' END, -1
      FROM old_rows WHERE status = 'pending') c
    GROUP BY kind HAVING sum(delta) <> 0;
  ELSE
    INSERT INTO delivery_pending_increments (status, delta)
    SELECT CASE WHEN parked THEN 'parked' ELSE 'waiting' END, -count(*) FROM old_rows
    WHERE status = 'pending' GROUP BY 1;
  END IF;
  RETURN NULL;
END $$;

-- Creating the triggers locks out writers until this migration commits, so the totals below
-- count exactly the rows from which the increments go on.
CREATE TRIGGER deliveries_pending_on_insert AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deliveries_pending_tally();
CREATE TRIGGER deliveries_pending_on_update AFTER UPDATE ON deliveries
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deliveries_pending_tally();
CREATE TRIGGER deliveries_pending_on_delete AFTER DELETE ON deliveries
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deliveries_pending_tally();

CREATE FUNCTION deliveries_pending_tally_emptied() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM delivery_pending_increments;
  UPDATE delivery_pending_totals SET n = 0;
  RETURN NULL;
END $$;
CREATE TRIGGER deliveries_pending_on_truncate AFTER TRUNCATE ON deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION deliveries_pending_tally_emptied();

INSERT INTO delivery_pending_totals (status, n)
SELECT 'waiting', count(*) FROM deliveries WHERE status = 'pending' AND NOT parked
UNION ALL
SELECT 'parked', count(*) FROM deliveries WHERE status = 'pending' AND parked;
