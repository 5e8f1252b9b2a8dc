-- wrk script: UID taps against cardgated, POST /v1/doors/{doorId}/access with the controller token.
-- Usage: wrk ... -s Tools/LoadBench/access.lua http://HOST:PORT -- KIT_DIR
-- Reads KIT_DIR/controller.token and KIT_DIR/uids.txt ("doorId UID" per line, written by load-bench setup) and
-- rotates through the taps; each wrk thread starts at a different offset. All requests are built once, in init.

local requests = {}
local position = 0
local thread_count = 0

function setup(thread)
    thread:set("offset", thread_count * 7919)
    thread_count = thread_count + 1
end

function init(args)
    local dir = args[1]
    if dir == nil then
        error("access.lua needs the kit directory: wrk ... -- KIT_DIR")
    end
    local file = assert(io.open(dir .. "/controller.token", "r"))
    local token = file:read("*l")
    file:close()
    local headers = {
        ["Authorization"] = "Bearer " .. token,
        ["Content-Type"] = "application/json",
    }
    for line in io.lines(dir .. "/uids.txt") do
        local door, uid = line:match("^(%S+)%s+(%S+)$")
        if door then
            local body = '{"credential":{"type":"uid","uid":"' .. uid .. '"}}'
            requests[#requests + 1] = wrk.format("POST", "/v1/doors/" .. door .. "/access", headers, body)
        end
    end
    if #requests == 0 then
        error("no taps in " .. dir .. "/uids.txt")
    end
    position = (offset or 0) % #requests
end

function request()
    position = position % #requests + 1
    return requests[position]
end
