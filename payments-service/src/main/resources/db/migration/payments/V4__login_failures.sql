-- Failed dashboard logins per account (the email as lower() folds it, whether or not it has an
-- account), shared by every instance: a window starts at its first failure, and logins beyond the
-- limit within it are refused before any password is checked. Rows whose window has ended are
-- purged.
CREATE TABLE login_failures (
    account  text        PRIMARY KEY,
    first_at timestamptz NOT NULL,
    failures integer     NOT NULL
);
CREATE INDEX login_failures_first_at ON login_failures (first_at);
