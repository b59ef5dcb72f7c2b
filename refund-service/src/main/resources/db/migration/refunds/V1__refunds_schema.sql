-- refund-service owns this schema. What it needs to know about merchants and payments it learns
-- from payments-service's events and keeps here (projections); it never reads the payments schema.

-- Merchant credentials, from merchant.created / merchant.credentials_rotated. An event only
-- replaces what a newer one wrote: events are ordered by (version_at, version_rank).
CREATE TABLE merchants (
    id              uuid        PRIMARY KEY,
    name            text        NOT NULL,
    api_key         text        NOT NULL UNIQUE,
    api_secret_hash bytea       NOT NULL,             -- SHA-256 of the API secret
    version_at      timestamptz NOT NULL,             -- created_at of the event that wrote the row
    version_rank    int         NOT NULL,             -- 0 created, 1 credentials rotated
    updated_at      timestamptz NOT NULL
);

-- What refunds need about each payment, from payment events; status only moves forward
-- (pending -> success | failed) and captured only becomes true. `refunded` is ours: the sum of the
-- payment's refunds, raised by the statement that creates a refund, under the guard below.
CREATE TABLE payments (
    id          text        PRIMARY KEY,
    merchant_id uuid        NOT NULL,
    amount      bigint      NOT NULL CHECK (amount > 0),
    currency    text        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('pending', 'success', 'failed')),
    captured    boolean     NOT NULL DEFAULT false,
    refunded    bigint      NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    seen_at     timestamptz NOT NULL,                 -- when the newest event was applied
    -- The last line of defence: whatever a statement does, a payment is never over-refunded.
    CONSTRAINT payments_never_over_refunded CHECK (refunded >= 0 AND refunded <= amount)
);

CREATE TABLE refunds (
    id            text        PRIMARY KEY,
    payment_id    text        NOT NULL,
    merchant_id   uuid        NOT NULL,
    amount        bigint      NOT NULL CHECK (amount > 0),
    reason        text,
    status        text        NOT NULL CHECK (status IN ('pending', 'processed', 'failed')),
    process_after timestamptz NOT NULL,               -- drawn when the refund is accepted
    created_at    timestamptz NOT NULL,
    processed_at  timestamptz
);
CREATE INDEX refunds_by_merchant ON refunds (merchant_id, created_at DESC, id DESC);
CREATE INDEX refunds_by_payment ON refunds (payment_id, created_at DESC, id DESC);
CREATE INDEX refunds_pending_due ON refunds (process_after) WHERE status = 'pending';

-- Finished refunds by outcome: an append-only log of increments folded into totals, so that
-- finishing a refund never waits on a shared counter row.
CREATE TABLE refund_outcome_totals (
    status text   PRIMARY KEY,
    n      bigint NOT NULL
);
CREATE TABLE refund_outcome_increments (
    id     bigserial PRIMARY KEY,
    status text      NOT NULL,
    delta  int       NOT NULL DEFAULT 1
);

CREATE TABLE idempotency_keys (
    merchant_id     uuid        NOT NULL,
    key             text        NOT NULL,
    fingerprint     bytea       NOT NULL,
    response_status int,
    response_body   bytea,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Events leave through this append-only outbox: one row per change, its events in order, stamped
-- with the writing transaction (see OutboxRelay). Nothing updates a row; the relay keeps its
-- position in outbox_cursor.
CREATE TABLE outbox (
    id         bigserial   PRIMARY KEY,
    txid       xid8        NOT NULL DEFAULT pg_current_xact_id(),
    streams    text[]      NOT NULL,
    payloads   text[]      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_in_commit_order ON outbox (txid, id);

CREATE TABLE outbox_cursor (
    id        boolean PRIMARY KEY DEFAULT true CHECK (id),
    last_txid xid8    NOT NULL,
    last_id   bigint  NOT NULL
);
INSERT INTO outbox_cursor (last_txid, last_id) VALUES ('0', 0);

CREATE TABLE redis_epoch (
    id      boolean     PRIMARY KEY DEFAULT true CHECK (id),
    epoch   text        NOT NULL,
    seen_at timestamptz NOT NULL
);

-- Merchant and payment events already applied (the projection consumers are idempotent by id).
CREATE TABLE processed_events (
    event_id     text        PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_events_age ON processed_events (processed_at);

-- Whether the projections must be replayed from the start of their streams. A new database asks
-- for it (its consumer groups may sit at the end of streams an earlier database already read);
-- PROJECTION_REBUILD=true asks again.
CREATE TABLE projection_state (
    id                boolean     PRIMARY KEY DEFAULT true CHECK (id),
    rebuild_requested boolean     NOT NULL,
    rebuilt_at        timestamptz
);
INSERT INTO projection_state (id, rebuild_requested) VALUES (true, true);
