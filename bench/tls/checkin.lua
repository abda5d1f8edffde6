-- wrk script: device check-ins with ids spread over 100,000 devices and four public attributes.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"device_id":"bench-%d","attributes":{"cpu_cores":%d,"ram_gb":%d,"battery":%d,"net":1}}',
    counter % 100000, counter % 8 + 1, counter % 12 + 1, counter % 100)
  return wrk.format(nil, nil, nil, body)
end
