-- wrk script: the steps of a UID tap as separate endpoints, to see what each costs in the daemon.
-- Usage: wrk ... -s Tools/LoadBench/breakdown.lua http://HOST:PORT -- KIT_DIR MODE
-- MODE  occupancy  GET /v1/occupancy with the admin token: bearer-token look-up plus a trivial handler
--       status     POST /v1/doors/{doorId}/status {"state":"closed"} with the controller token: the token, a JSON
--                  body and one durable journal append, no credential and no policy
--       unknown    POST /v1/doors/{doorId}/access with a UID nobody holds: everything a tap does, with the
--                  credential look-up failing (unknown_credential)

local requests = {}
local position = 0

local function first_line(path)
    local file = assert(io.open(path, "r"))
    local line = file:read("*l")
    file:close()
    return line
end

function init(args)
    local dir, mode = args[1], args[2]
    if dir == nil or mode == nil then
        error("breakdown.lua needs: -- KIT_DIR occupancy|status|unknown")
    end
    local controller = { ["Authorization"] = "Bearer " .. first_line(dir .. "/controller.token"),
        ["Content-Type"] = "application/json" }
    if mode == "occupancy" then
        local admin = { ["Authorization"] = "Bearer " .. first_line(dir .. "/admin.token") }
        requests[1] = wrk.format("GET", "/v1/occupancy", admin)
        return
    end
    local index = 0
    for door in io.lines(dir .. "/doors.txt") do
        index = index + 1
        if mode == "status" then
            requests[#requests + 1] = wrk.format("POST", "/v1/doors/" .. door .. "/status", controller,
                '{"state":"closed"}')
        elseif mode == "unknown" then
            requests[#requests + 1] = wrk.format("POST", "/v1/doors/" .. door .. "/access", controller,
                string.format('{"credential":{"type":"uid","uid":"FFEE%010X"}}', index))
        else
            error("unknown mode " .. mode)
        end
    end
end

function request()
    position = position % #requests + 1
    return requests[position]
end
