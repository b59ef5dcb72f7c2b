-- A manual retry of a delivery whose attempt is in flight leaves the attempt its lease and sets
-- restart: when that attempt's outcome is written, the delivery starts its schedule again
-- (pending, no attempts, due at the retry's time) instead of taking the outcome. Voiding the lease
-- instead had a second attempt of the same event start while the first was still open, and threw
-- away the first one's answer.
ALTER TABLE deliveries ADD COLUMN restart boolean NOT NULL DEFAULT false;
