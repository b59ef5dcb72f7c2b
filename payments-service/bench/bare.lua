-- POST to the bare handler with a payment-sized body.
function request()
  return wrk.format("POST", "/", {["Content-Type"] = "application/json"},
    '{"order_id":"order_0000000000000001","method":"upi","vpa":"user@paytm"}')
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
