-- webhook-service owns this schema. It learns about merchants from merchant events (a projection)
-- and owns the merchants' webhook signing secrets from their first value on.

CREATE TABLE merchants (
    id                          uuid        PRIMARY KEY,
    name                        text        NOT NULL,
    api_key                     text        NOT NULL UNIQUE,
    api_secret_hash             bytea       NOT NULL,  -- SHA-256 of the API secret, for authentication
    credentials_at              timestamptz NOT NULL,  -- time of the event the credentials came from
    -- Signing secrets, sealed with ENCRYPTION_KEY (SecretBox). The first arrives with
    -- merchant.created; rotation keeps the previous one signing until previous_secret_valid_until.
    signing_secret_sealed       text,
    previous_secret_sealed      text,
    previous_secret_valid_until timestamptz,
    secret_rotated_at           timestamptz,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL
);

CREATE TABLE endpoints (
    id          uuid        PRIMARY KEY,
    merchant_id uuid        NOT NULL REFERENCES merchants (id),
    url         text        NOT NULL,
    events      text[],                                -- NULL: every event
    enabled     boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    deleted_at  timestamptz
);
CREATE INDEX endpoints_live_by_merchant ON endpoints (merchant_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;

-- One row per event and endpoint. run_at is the one thing workers look at: while a delivery waits
-- it is its due time; while an instance attempts it (lease_token set) it is when that lease ends,
-- so a crashed instance's deliveries fall due again by themselves.
CREATE TABLE deliveries (
    id              uuid        PRIMARY KEY,
    merchant_id     uuid        NOT NULL,
    endpoint_id     uuid        NOT NULL,              -- no FK: inserted from a join with a live endpoint
    endpoint_url    text        NOT NULL,              -- where it was (or will be) sent
    event_id        text        NOT NULL,
    event_type      text        NOT NULL,
    payload         bytea       NOT NULL,              -- the exact body: serialized once, signed and sent as is
    request_id      text,
    status          text        NOT NULL CHECK (status IN ('pending', 'success', 'failed')),
    attempts        int         NOT NULL DEFAULT 0,    -- since creation or the last manual retry
    next_retry_at   timestamptz,                       -- when the next attempt is due; NULL once finished
    run_at          timestamptz,                       -- due time, or lease end while in flight; NULL once finished
    lease_token     uuid,
    last_attempt_at timestamptz,
    response_code   int,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT deliveries_once_per_event_and_endpoint UNIQUE (event_id, endpoint_id)
);
CREATE INDEX deliveries_due ON deliveries (run_at) WHERE status = 'pending';
CREATE INDEX deliveries_by_merchant ON deliveries (merchant_id, created_at DESC, id DESC);
-- Finished deliveries by age, for the retention purge.
CREATE INDEX deliveries_finished ON deliveries (updated_at) WHERE status <> 'pending';

-- Every attempt, kept when a manual retry starts the schedule again.
CREATE TABLE delivery_attempts (
    delivery_id   uuid        NOT NULL,
    id            bigserial,
    attempt       int         NOT NULL,
    attempted_at  timestamptz NOT NULL,
    response_code int,
    latency_ms    int         NOT NULL,
    response_body text,                                -- the first 1 KB
    error         text,
    PRIMARY KEY (delivery_id, id)
);

-- Finished deliveries by outcome: increments (+1 when a delivery finishes, -1 when a manual retry
-- reopens it) folded into totals, so that finishing never waits on a shared counter row.
CREATE TABLE delivery_outcome_totals (
    status text   PRIMARY KEY,
    n      bigint NOT NULL
);
CREATE TABLE delivery_outcome_increments (
    id     bigserial PRIMARY KEY,
    status text      NOT NULL,
    delta  int       NOT NULL
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
