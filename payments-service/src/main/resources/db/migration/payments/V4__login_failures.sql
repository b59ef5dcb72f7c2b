-- Failed dashboard logins per account, shared by every instance: a window starts at its first
-- failure, and logins beyond the limit within it are refused before any password is checked.
-- An account is the SHA-256 (hex) of the email as lower() folds it, whether or not the email has an
-- account, so that no typed email (nor a password pasted in its place) is kept. Rows whose window
-- has ended are purged.
CREATE TABLE login_failures (
    account  text        PRIMARY KEY,
    first_at timestamptz NOT NULL,
    failures integer     NOT NULL
);
CREATE INDEX login_failures_first_at ON login_failures (first_at);
