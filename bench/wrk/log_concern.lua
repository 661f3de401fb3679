-- wrk: POST /api/cases/ as the parents of seeded families, each for one of their own children.
-- Usage: wrk -s log_concern.lua http://127.0.0.1:PORT -- PAIRS_FILE MAX_REQUESTS_PER_THREAD
-- PAIRS_FILE has "token child_id" per line. The results go to $BENCH_WRK_OUT as JSON.
local common = dofile("bench/wrk/common.lua")
local pairs_list = {}
local next_index = 1
local categories = {"provision_not_delivered", "process_delay", "no_response", "transport", "placement",
                    "inclusion", "health", "social_care", "panel_decision", "other"}
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("thread_number", thread_number)
end

function init(args)
  for line in io.lines(args[1]) do
    local token, child = line:match("^(%S+) (%d+)$")
    if token then table.insert(pairs_list, {token, child}) end
  end
  common.max_requests = tonumber(args[2])
  math.randomseed(7919 * (thread_number or 1))
  next_index = math.random(#pairs_list)
end

function request()
  local pair = pairs_list[next_index]
  next_index = next_index % #pairs_list + 1
  local safeguarding = math.random() < 0.03 and "true" or "false"
  local body = string.format(
    '{"child": %s, "category": "%s", "summary": "The support in the plan has stopped", ' ..
    '"description": "It has not happened for two weeks and nobody has told us why.", "safeguarding": %s}',
    pair[2], categories[math.random(#categories)], safeguarding)
  return wrk.format("POST", "/api/cases/",
    {["Authorization"] = "Token " .. pair[1], ["Content-Type"] = "application/json"}, body)
end

response = common.response
done = common.done
