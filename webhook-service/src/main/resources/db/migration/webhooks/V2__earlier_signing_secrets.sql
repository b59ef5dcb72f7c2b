-- Secrets retired before the previous one that still sign: a second rotation within the overlap
-- no longer cuts the first one's overlap short. previous_secret_* stay the latest retired secret
-- (what GET /webhook-secret shows); earlier_secrets holds the ones before it, newest first, as
-- [{"sealed": text, "valid_until": timestamptz}], at most 8, pruned at each rotation.
ALTER TABLE merchants ADD COLUMN earlier_secrets jsonb NOT NULL DEFAULT '[]'::jsonb;
