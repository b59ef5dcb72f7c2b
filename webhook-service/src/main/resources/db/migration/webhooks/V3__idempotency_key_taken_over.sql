-- A statement that would complete an idempotency key its request no longer holds (its claim
-- outlived its lease and another request took the key over) fails with this, its change undone
-- (see IdempotencyStore.completeSql).
CREATE FUNCTION idempotency_key_taken_over() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'idempotency key taken over by another request' USING ERRCODE = 'PSK01';
END
$$;
