-- POST /v2/biometric-validations/validate, one liveness session per request.
-- Arguments (wrk ... -- TOKENS BODY): a file of session tokens, one a line, each usable
-- once; and the JSON body ({"image": "<base64 JPEG>"}). Past the pool's end the last token
-- is sent again (and answered 409); done() prints "pool N sent M" so the run is flagged.

local tokens = {}
local body
pool = 0
sent = 0

function init(args)
  for line in io.lines(args[1]) do
    tokens[#tokens + 1] = line
  end
  local file = assert(io.open(args[2], "rb"))
  body = file:read("*a")
  file:close()
  pool = #tokens
end

function request()
  sent = sent + 1
  -- wrk also calls request() once in its main state, where init() never ran: no tokens.
  local token = tokens[math.min(sent, pool)] or ""
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }
  return wrk.format("POST", nil, headers, body)
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    io.write(string.format("pool %d sent %d\n", thread:get("pool"), thread:get("sent")))
  end
end
