#!/bin/sh
# First start of the compose PostgreSQL: the database and the per-service roles (see the SQL).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v payments_password="$PAYMENTS_DB_PASSWORD" \
  -v refunds_password="$REFUNDS_DB_PASSWORD" \
  -v webhooks_password="$WEBHOOKS_DB_PASSWORD" \
  -f /paystream/postgres-roles.sql
