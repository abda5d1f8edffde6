-- The hot path: reserves one slot of the open round for a device, only while amount < demand,
-- counts attained service, fills the round at its demand (JobTransitions.bind), and records the
-- device's lease under its deadline. Returns {outcome, lease deadline or filled flag, job}: the
-- job is the whole hash when asked for, else only the values of the named fields (the ones that
-- change after registration; the caller knows the rest), which keeps the hot path's reply small.
-- KEYS: job (hash), its bindings (hash), leases (zset)
-- ARGV: round, device id, now, lease deadline, lease member, '1' for the whole hash, field names
local REQUESTING, FILLED = 2, 3 -- JobState numbers in propius.proto
local function job()
  if ARGV[6] == '1' then
    return redis.call('HGETALL', KEYS[1])
  end
  return redis.call('HMGET', KEYS[1], unpack(ARGV, 7))
end
local s = redis.call('HMGET', KEYS[1], 'state', 'round', 'amount', 'demand')
if not s[1] then
  return {'UNKNOWN_JOB'}
end
local state = tonumber(s[1])
if (state ~= REQUESTING and state ~= FILLED) or s[2] ~= ARGV[1] then
  return {'CLOSED', '0', job()}
end
local held = redis.call('HGET', KEYS[2], ARGV[2])
if held then
  return {'ALREADY_BOUND', held, job()}
end
local demand = tonumber(s[4])
if tonumber(s[3]) >= demand then
  return {'FULL', '0', job()}
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
local amount = redis.call('HINCRBY', KEYS[1], 'amount', 1)
redis.call('HINCRBY', KEYS[1], 'attainedService', 1)
redis.call('HINCRBY', KEYS[1], 'version', 1)
local filled = '0'
if amount >= demand then
  redis.call('HSET', KEYS[1], 'state', FILLED, 'filledAt', ARGV[3])
  filled = '1'
end
return {'BOUND', filled, job()}
