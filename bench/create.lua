-- wrk script: POST /api/v1/entries with a unique description per request.
-- Reads GLASSHOUSE_BENCH_TOKEN, _PROJECT and _CATEGORY from the environment.

local token = os.getenv("GLASSHOUSE_BENCH_TOKEN")
local project = tonumber(os.getenv("GLASSHOUSE_BENCH_PROJECT"))
local category = tonumber(os.getenv("GLASSHOUSE_BENCH_CATEGORY"))
local threads = {}
local counter = 0

-- Each thread gets its own Lua state; `thread_id` becomes a global there.
function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
  -- Entries land in the last 60 days, so they fall in open (unlocked) weeks.
  base = os.time() - 60 * 86400
end

local function stamp(t)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", t)
end

function request()
  counter = counter + 1
  local start = base + ((counter * 7919 + thread_id * 104729) % (59 * 86400))
  local body = string.format(
    '{"project_id":%d,"category_id":%d,"start":"%s","end":"%s",' ..
    '"description":"Benchmark entry %d-%d"}',
    project, category, stamp(start), stamp(start + 1800), thread_id, counter)
  return wrk.format(nil, nil, nil, body)
end
