-- payments-service owns this schema. Other services learn about merchants and payments from
-- events, never from these tables.

CREATE TABLE merchants (
    id               uuid PRIMARY KEY,
    name             text        NOT NULL,
    email            text        NOT NULL,
    password_hash    text        NOT NULL,            -- bcrypt
    api_key          text        NOT NULL UNIQUE,
    api_secret_hash  bytea       NOT NULL,            -- SHA-256 of the secret, for authentication
    api_secret_sealed text,                           -- AES-GCM under ENCRYPTION_KEY, for the dashboard
    is_test          boolean     NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX merchants_email ON merchants (lower(email));

CREATE TABLE orders (
    id          text        PRIMARY KEY,
    merchant_id uuid        NOT NULL REFERENCES merchants (id),
    amount      bigint      NOT NULL CHECK (amount >= 100),
    currency    text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    receipt     text,
    notes       text        NOT NULL,                 -- canonical JSON object, as given
    status      text        NOT NULL CHECK (status IN ('created', 'attempted', 'paid')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX orders_by_merchant ON orders (merchant_id, created_at DESC, id DESC);

CREATE TABLE payments (
    id                        text        PRIMARY KEY,
    order_id                  text        NOT NULL REFERENCES orders (id),
    merchant_id               uuid        NOT NULL,
    amount                    bigint      NOT NULL,
    currency                  text        NOT NULL,
    method                    text        NOT NULL CHECK (method IN ('upi', 'card')),
    vpa                       text,
    card_network              text,
    card_last4                text,
    status                    text        NOT NULL CHECK (status IN ('pending', 'success', 'failed')),
    captured                  boolean     NOT NULL DEFAULT false,
    captured_at               timestamptz,
    error_code                text,
    error_description         text,
    amount_refunded           bigint      NOT NULL DEFAULT 0 CHECK (amount_refunded BETWEEN 0 AND amount),
    -- The simulated bank's answer is drawn when the payment is accepted, so that every worker that
    -- ever finishes this payment finishes it the same way.
    planned_status            text        NOT NULL CHECK (planned_status IN ('success', 'failed')),
    planned_error_code        text,
    planned_error_description text,
    process_after             timestamptz NOT NULL,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL
);
-- An order takes no second payment while one is pending, and none after one succeeded.
CREATE UNIQUE INDEX payments_one_pending_per_order ON payments (order_id) WHERE status = 'pending';
CREATE UNIQUE INDEX payments_one_success_per_order ON payments (order_id) WHERE status = 'success';
CREATE INDEX payments_by_merchant ON payments (merchant_id, created_at DESC, id DESC);
CREATE INDEX payments_by_merchant_status ON payments (merchant_id, status, created_at DESC, id DESC);
CREATE INDEX payments_pending_due ON payments (process_after) WHERE status = 'pending';

-- Finished payments by outcome: an append-only log of increments folded into totals, so that
-- finishing a payment never waits on a shared counter row.
CREATE TABLE payment_outcome_totals (
    status text   PRIMARY KEY,
    n      bigint NOT NULL
);
CREATE TABLE payment_outcome_increments (
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

-- Refund events already applied to amount_refunded (consumers are idempotent by event id).
CREATE TABLE processed_events (
    event_id     text        PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);
