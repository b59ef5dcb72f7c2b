-- Paystream's database and one role per service, each limited to its own schema (DESIGN.md,
-- "Data ownership"). Run with psql as a superuser, or as a role with CREATEROLE and CREATEDB (a
-- managed PostgreSQL's administrator); idempotent (roles and schemas that exist are kept,
-- passwords are set again):
--   psql -v ON_ERROR_STOP=1 -v payments_password=… -v refunds_password=… -v webhooks_password=… \
--        [-v dbname=paystream] -f postgres-roles.sql
-- Used by deploy/compose (on the first start of its PostgreSQL), by the k8s db-roles Job, and by
-- deploy/local/up.sh with PAYSTREAM_DB_ROLES=true (the end-to-end tests run that way).
-- Each service migrates its own schema with Flyway at start; a role owns its schema, may use
-- nothing else, and cannot create databases or roles.

\if :{?dbname}
\else
  \set dbname paystream
\endif

SELECT format('CREATE DATABASE %I', :'dbname')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'dbname')\gexec

\connect :dbname

SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', r)
  FROM unnest(ARRAY['payments', 'refunds', 'webhooks']) AS r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r)\gexec

ALTER ROLE payments PASSWORD :'payments_password';
ALTER ROLE refunds PASSWORD :'refunds_password';
ALTER ROLE webhooks PASSWORD :'webhooks_password';

REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"dbname" TO payments, refunds, webhooks;
REVOKE ALL ON SCHEMA public FROM PUBLIC;

-- Only a member of a role (one that may SET ROLE to it, from PostgreSQL 16) may give it a schema.
-- An administrator that is no superuser (a managed PostgreSQL's) becomes one of each service's
-- role where it does not have its rights yet: from PostgreSQL 16, the role's creator holds it with
-- ADMIN OPTION only, which is not enough. A superuser has every role's rights.
SELECT format('GRANT %I TO %I', r, current_user)
  FROM unnest(ARRAY['payments', 'refunds', 'webhooks']) AS r
 WHERE NOT pg_has_role(current_user, r, 'USAGE')\gexec

CREATE SCHEMA IF NOT EXISTS payments AUTHORIZATION payments;
CREATE SCHEMA IF NOT EXISTS refunds AUTHORIZATION refunds;
CREATE SCHEMA IF NOT EXISTS webhooks AUTHORIZATION webhooks;
ALTER SCHEMA payments OWNER TO payments;
ALTER SCHEMA refunds OWNER TO refunds;
ALTER SCHEMA webhooks OWNER TO webhooks;

ALTER ROLE payments SET search_path = payments;
ALTER ROLE refunds SET search_path = refunds;
ALTER ROLE webhooks SET search_path = webhooks;
