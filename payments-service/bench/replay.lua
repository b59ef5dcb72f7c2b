-- The same POST with the same Idempotency-Key, over and over: after the first, every answer is a
-- replay of the stored response.
function init(args)
  order = os.getenv("REPLAY_ORDER")
end

function request()
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Api-Key"] = "key_test_abc123",
    ["X-Api-Secret"] = "secret_test_xyz789",
    ["Idempotency-Key"] = "bench-replay-" .. order,
  }
  return wrk.format("POST", "/api/v1/payments", headers,
    '{"order_id":"' .. order .. '","method":"upi","vpa":"user@paytm"}')
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
