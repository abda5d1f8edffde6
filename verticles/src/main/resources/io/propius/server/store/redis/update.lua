-- Compare-and-set of a job's fields: the server read the job at a version, applied the state
-- machine (JobTransitions) to it, and writes the fields that changed only if nobody changed the
-- job since. Returns 1 when written, 0 on a conflict (read again and retry), -1 for no such job,
-- -2 when the change would take the tenant's open demand over its quota (nothing written).
-- KEYS: job (hash), its bindings (hash), live job ids (set), admission counters (hash), ended jobs (zset)
-- ARGV: expected version, clear bindings (0/1), left the live jobs (0/1), tenant, est_demand, job id,
--       end time (the ended set's score), change of the job's open demand, the tenant's open demand
--       quota, then changed field/value pairs
local version = redis.call('HGET', KEYS[1], 'version')
if not version then
  return -1
end
if version ~= ARGV[1] then
  return 0
end
local openField = 'open:' .. ARGV[4]
local openDelta = tonumber(ARGV[8])
if openDelta > 0 and tonumber(redis.call('HGET', KEYS[4], openField) or '0') + openDelta > tonumber(ARGV[9]) then
  return -2
end
if openDelta ~= 0 and redis.call('HINCRBY', KEYS[4], openField, openDelta) <= 0 then
  redis.call('HDEL', KEYS[4], openField)
end
if #ARGV > 9 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 10))
end
redis.call('HINCRBY', KEYS[1], 'version', 1)
if ARGV[2] == '1' then
  redis.call('DEL', KEYS[2])
end
if ARGV[3] == '1' and redis.call('SREM', KEYS[3], ARGV[6]) == 1 then
  local est = tonumber(ARGV[5])
  redis.call('HINCRBY', KEYS[4], 'jobs', -1)
  redis.call('HINCRBY', KEYS[4], 'demand', -est)
  if redis.call('HINCRBY', KEYS[4], 'tenant:' .. ARGV[4], -est) <= 0 then
    redis.call('HDEL', KEYS[4], 'tenant:' .. ARGV[4])
  end
  if redis.call('HINCRBY', KEYS[4], 'jobs:' .. ARGV[4], -1) <= 0 then
    redis.call('HDEL', KEYS[4], 'jobs:' .. ARGV[4])
  end
  redis.call('ZADD', KEYS[5], ARGV[7], ARGV[6])
end
return 1
