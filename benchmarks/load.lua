-- wrk script of benchmarks/load.py: one page type per wrk process.
--
--   wrk -t1 -c8 -d60s -s benchmarks/load.lua http://127.0.0.1:PORT -- URL_FILE [START]
--
-- URL_FILE holds one path per line (already drawn with the popularity distribution);
-- the thread walks it from line START + 1 (default 0): the measured run continues where
-- the warm-up stopped, so it does not replay the warm-up's URLs. Counts the responses by status and
-- by the X-Cache header (and X-Edge-Cache: answered by Varnish in front), and prints one line "JSON {...}" with the totals and the
-- latency percentiles in microseconds (wrk measures from sending to the full response).

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local paths = {}
local position = 0
hits = 0
misses = 0
uncached = 0
edge_hits = 0
not_ok = 0

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  file:close()
  local start = tonumber(args[2] or "0") or 0
  position = (start + math.floor(#paths * (id or 0) / 7)) % #paths
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
  if headers["X-Edge-Cache"] == "HIT" then
    edge_hits = edge_hits + 1
  end
  local cache = headers["X-Cache"]
  if cache == "HIT" then
    hits = hits + 1
  elseif cache == "MISS" then
    misses = misses + 1
  else
    uncached = uncached + 1
  end
end

function done(summary, latency, requests)
  local total_hits, total_misses, total_uncached, total_not_ok, total_edge = 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    total_hits = total_hits + thread:get("hits")
    total_misses = total_misses + thread:get("misses")
    total_uncached = total_uncached + thread:get("uncached")
    total_not_ok = total_not_ok + thread:get("not_ok")
    total_edge = total_edge + thread:get("edge_hits")
  end
  local errors = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, '
      .. '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, '
      .. '"not_200": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"mean_us": %.1f, "hits": %d, "misses": %d, "uncached": %d, "edge_hits": %d}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, total_not_ok,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean, total_hits, total_misses, total_uncached, total_edge
  ))
end
