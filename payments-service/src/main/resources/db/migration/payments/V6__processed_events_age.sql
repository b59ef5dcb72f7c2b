-- The ids of refund events applied to amount_refunded are forgotten once older than any redelivery
-- (Housekeeping): by age, through this index.
CREATE INDEX processed_events_age ON processed_events (processed_at);
