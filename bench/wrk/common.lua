-- What both wrk scripts share: stopping a thread after MAX_REQUESTS responses, and the results as JSON in
-- $BENCH_WRK_OUT. Loaded with dofile from the repository's root, where bench/run.sh runs wrk.
local common = {max_requests = 0, responses = 0}

function common.response(status, headers, body)
  common.responses = common.responses + 1
  if common.responses >= common.max_requests then wrk.thread:stop() end
end

function common.done(summary, latency, requests)
  local out = io.open(os.getenv("BENCH_WRK_OUT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "errors_status": %d, "errors_connect": %d, "errors_read": %d, ' ..
    '"errors_write": %d, "errors_timeout": %d, "latency_us": {"min": %d, "mean": %.1f, "max": %d, ' ..
    '"p50": %d, "p90": %d, "p95": %d, "p99": %d}}',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99)))
  out:close()
end

return common
