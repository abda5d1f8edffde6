-- Gives back the slots of bindings whose lease deadline passed unconfirmed (JobTransitions.unbind:
-- amount and attained service down by one, a filled round requesting again). Leases of rounds
-- that ended or moved on are just dropped. Returns {job id, round, device id, job fields} each.
-- KEYS: leases (zset)
-- ARGV: now, job key prefix, most leases per call
local REQUESTING, FILLED = 2, 3 -- JobState numbers in propius.proto
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
local expired = {}
for i = 1, #due, 2 do
  local member, deadline = due[i], tonumber(due[i + 1])
  redis.call('ZREM', KEYS[1], member)
  local id, round, device = string.match(member, '^(%d+):(%d+):(.*)$')
  local job = ARGV[2] .. id
  local s = redis.call('HMGET', job, 'state', 'round', 'amount', 'demand', 'attainedService')
  local state = tonumber(s[1])
  if s[1] and (state == REQUESTING or state == FILLED) and s[2] == round then
    local held = redis.call('HGET', job .. ':bound', device)
    if held and tonumber(held) == deadline then
      redis.call('HDEL', job .. ':bound', device)
      local amount = math.max(0, tonumber(s[3]) - 1)
      redis.call('HSET', job, 'amount', amount, 'attainedService', math.max(0, tonumber(s[5]) - 1))
      if state == FILLED and amount < tonumber(s[4]) then
        redis.call('HSET', job, 'state', REQUESTING, 'filledAt', 0)
      end
      redis.call('HINCRBY', job, 'version', 1)
      table.insert(expired, {id, round, device, redis.call('HGETALL', job)})
    end
  end
end
return expired
