-- The last outbox position up to which every reader of every stream the relay publishes to was
-- seen to have acknowledged every event (and given up on none). When Redis loses data, the relay
-- re-drives from here instead of from the start of retention (see OutboxRelay).
ALTER TABLE outbox_cursor
    ADD COLUMN acked_txid xid8   NOT NULL DEFAULT '0',
    ADD COLUMN acked_id   bigint NOT NULL DEFAULT 0;
