-- The relay's publish counter in Redis as it read it for the last batch the cursor was moved past.
-- A counter found lower in Redis (or gone) means Redis lost batches it had acknowledged: the relay
-- moves the cursor back and publishes again what is retained (see OutboxRelay).
ALTER TABLE outbox_cursor ADD COLUMN last_sequence bigint NOT NULL DEFAULT 0;
