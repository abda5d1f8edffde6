-- The hot path: reserves one slot of the open round for a device, only while amount < demand,
-- counts attained service, fills the round at its demand, and records the device's lease under
-- its deadline, in one atomic step. Returns {outcome, lease deadline of ALREADY_BOUND, job} with
-- the job as it was BEFORE this call: for BOUND the caller applies JobTransitions.bind, the same
-- change made here. The job is the whole hash when asked for, else only the values of the named
-- fields (those that change after registration; the caller knows the rest), which keeps the
-- reply small.
-- KEYS: job (hash), its bindings (hash), leases (zset)
-- ARGV: round, device id, now, lease deadline, lease member, '1' for the whole hash, then field
--       names starting with state, round, amount, demand
local REQUESTING, FILLED = 2, 3 -- JobState numbers in propius.proto
local job, s
if ARGV[6] == '1' then
  job = redis.call('HGETALL', KEYS[1])
  s = redis.call('HMGET', KEYS[1], 'state', 'round', 'amount', 'demand')
else
  job = redis.call('HMGET', KEYS[1], unpack(ARGV, 7))
  s = job
end
if not s[1] then
  return {'UNKNOWN_JOB'}
end
local state = tonumber(s[1])
if (state ~= REQUESTING and state ~= FILLED) or s[2] ~= ARGV[1] then
  return {'CLOSED', '0', job}
end
local held = redis.call('HGET', KEYS[2], ARGV[2])
if held then
  return {'ALREADY_BOUND', held, job}
end
local amount, demand = tonumber(s[3]) + 1, tonumber(s[4])
if amount > demand then
  return {'FULL', '0', job}
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
if amount == demand then
  redis.call('HSET', KEYS[1], 'amount', amount, 'state', FILLED, 'filledAt', ARGV[3])
else
  redis.call('HSET', KEYS[1], 'amount', amount)
end
redis.call('HINCRBY', KEYS[1], 'attainedService', 1)
redis.call('HINCRBY', KEYS[1], 'version', 1)
return {'BOUND', '0', job}
