-- POST /api/v1/payments, each request for a fresh pre-created order (orders can take one pending
-- payment). Order ids are order_<16 digits>: ORDER_BASE + n, interleaved across wrk threads.
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  counter = 0
  base = tonumber(os.getenv("ORDER_BASE") or "0")
  delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
  key = os.getenv("API_KEY") or "key_test_abc123"
  secret = os.getenv("API_SECRET") or "secret_test_xyz789"
  -- With KEYED=1 every request carries its own Idempotency-Key, as a careful client sends.
  keyed = os.getenv("KEYED") == "1"
end

function request()
  counter = counter + 1
  local n = base + (counter - 1) * nthreads + tid + 1
  local body = string.format('{"order_id":"order_%016d","method":"upi","vpa":"user@paytm"}', n)
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Api-Key"] = key,
    ["X-Api-Secret"] = secret,
  }
  if keyed then
    headers["Idempotency-Key"] = string.format("bench-%016d", n)
  end
  return wrk.format("POST", "/api/v1/payments", headers, body)
end

function delay()
  return delay_ms
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout
  -- The first order number no thread has used (threads do not send equal shares).
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  local most = 0
  for _, t in ipairs(threads) do
    most = math.max(most, t:get("counter") or 0)
  end
  local next_order = tonumber(os.getenv("ORDER_BASE") or "0") + (most + 1) * nthreads + 1
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d next=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, next_order))
end
