-- Orders of the test merchant for create-payment.lua, which pays them in number order:
-- order_<number, 16 digits> for every number from :first to :last.
--   psql -v first=1 -v last=100000 -f orders.sql
INSERT INTO payments.orders (id, merchant_id, amount, currency, receipt, notes, status, created_at, updated_at)
SELECT 'order_' || lpad(g::text, 16, '0'), '550e8400-e29b-41d4-a716-446655440000', 50000, 'INR', NULL, '{}',
  'created', now(), now()
FROM generate_series(:first, :last) g;
VACUUM ANALYZE payments.orders;
