-- POST /v2/biometric-validations. Arguments (wrk ... -- BODY [TOKENS]): the JSON body's file
-- (the same on every server); and, on the mock, a file where each 200 answer's session token
-- (data.token) is kept, one a line, for validate.lua: each token validates only once.

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local out

function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.body = file:read("*a")
  file:close()
  if args[2] then
    -- Appended to: more creates may add tokens for the same validate run.
    out = assert(io.open(args[2], "a"))
    -- Line-buffered: wrk never closes a thread's files, and every token written must count.
    out:setvbuf("line")
  end
end

-- Defined on every server, not only when keeping tokens, so the client's work is the same.
function response(status, headers, body)
  if out and status == 200 then
    local token = body:match('"token":"([^"]+)"')
    if token then
      out:write(token, "\n")
    end
  end
end
