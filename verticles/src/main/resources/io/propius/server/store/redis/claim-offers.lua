-- Small-batch mode: grants offers of a requesting round to devices, as many as fit under
-- floor(overOffer x open slots) counting the round's unexpired offers whose devices have not bound,
-- in one atomic step, so that instances on any number of nodes never offer a slot more than
-- overOffer times. Returns the granted device ids, in the order asked.
-- KEYS: job (hash), its bindings (hash), the round's offers (zset device -> expiry)
-- ARGV: round, now, expiry of the new offers, overOffer, key TTL ms, number of released offers,
--       each released offer as device id then the expiry it was granted with, then the devices to
--       offer. A released offer whose device was offered again since (another expiry) still counts.
local REQUESTING = 2 -- JobState number in propius.proto
local s = redis.call('HMGET', KEYS[1], 'state', 'round', 'amount', 'demand')
if not s[1] or tonumber(s[1]) ~= REQUESTING or s[2] ~= ARGV[1] then
  return {}
end
local released = tonumber(ARGV[6])
for i = 7, 5 + 2 * released, 2 do
  local expiry = redis.call('ZSCORE', KEYS[3], ARGV[i])
  if expiry and tonumber(expiry) == tonumber(ARGV[i + 1]) then
    redis.call('ZREM', KEYS[3], ARGV[i])
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[2])
for _, device in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  if redis.call('HEXISTS', KEYS[2], device) == 1 then
    redis.call('ZREM', KEYS[3], device) -- bound: counted in amount now
  end
end
local open = tonumber(s[4]) - tonumber(s[3])
local room = 0
if open > 0 then
  room = math.floor(tonumber(ARGV[4]) * open + 1e-9)
end
room = room - redis.call('ZCARD', KEYS[3])
local granted = {}
for i = 7 + 2 * released, #ARGV do
  local device = ARGV[i]
  if redis.call('HEXISTS', KEYS[2], device) == 0 then
    local again = redis.call('ZSCORE', KEYS[3], device)
    if again or room > 0 then
      if not again then
        room = room - 1
      end
      redis.call('ZADD', KEYS[3], ARGV[3], device)
      granted[#granted + 1] = device
    end
  end
end
redis.call('PEXPIRE', KEYS[3], ARGV[5])
return granted
