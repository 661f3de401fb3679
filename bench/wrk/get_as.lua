-- wrk: GET one path, each request as the next of many users (token auth).
-- Usage: wrk -s get_as.lua http://127.0.0.1:PORT -- TOKENS_FILE PATH MAX_REQUESTS_PER_THREAD
-- TOKENS_FILE has a token first on each line. The results go to $BENCH_WRK_OUT as JSON.
local tokens = {}
local path = "/"
local next_index = 1
local max_requests = 0
local responses = 0
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("thread_number", thread_number)
end

function init(args)
  for line in io.lines(args[1]) do
    local token = line:match("^(%S+)")
    if token then table.insert(tokens, token) end
  end
  path = args[2]
  max_requests = tonumber(args[3])
  math.randomseed(104729 * (thread_number or 1))
  next_index = math.random(#tokens)
end

function request()
  local token = tokens[next_index]
  next_index = next_index % #tokens + 1
  return wrk.format("GET", path, {["Authorization"] = "Token " .. token})
end

function response(status, headers, body)
  responses = responses + 1
  if responses >= max_requests then wrk.thread:stop() end
end

function done(summary, latency, requests)
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
