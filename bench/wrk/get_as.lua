-- wrk: GET one path, each request as the next of many users (token auth).
-- Usage: wrk -s get_as.lua http://127.0.0.1:PORT -- TOKENS_FILE PATH MAX_REQUESTS_PER_THREAD
-- TOKENS_FILE has a token first on each line. The results go to $BENCH_WRK_OUT as JSON.
local common = dofile("bench/wrk/common.lua")
local tokens = {}
local path = "/"
local next_index = 1
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
  common.max_requests = tonumber(args[3])
  math.randomseed(104729 * (thread_number or 1))
  next_index = math.random(#tokens)
end

function request()
  local token = tokens[next_index]
  next_index = next_index % #tokens + 1
  return wrk.format("GET", path, {["Authorization"] = "Token " .. token})
end

response = common.response
done = common.done
