-- The hot path, batched: reserves slots of open rounds for several devices in one atomic step,
-- one item after the other, each exactly as if it came alone. Per item: only while amount <
-- demand, counts attained service, fills the round at its demand, and records the device's lease
-- under its deadline. Items may name different jobs, or the same device twice (the second finds it
-- ALREADY_BOUND). Returns one {outcome, lease deadline of ALREADY_BOUND, job} per item, in order,
-- with the job as that item found it: for BOUND the caller applies JobTransitions.bind, the same
-- change made here. The job is the whole hash when the item asks for it, else only the values of
-- the named fields (those that change after registration; the caller knows the rest), which keeps
-- the reply small. An item that fails (a key of the wrong type) answers {'ERROR', message} and the
-- others go on.
-- KEYS: leases (zset)
-- ARGV: job key prefix, number of field names, the field names starting with state, round,
--       amount, demand; then 6 values per item: job id, round, device id, now, lease deadline,
--       '1' for the whole hash
local REQUESTING, FILLED = 2, 3 -- JobState numbers in propius.proto
local fieldCount = tonumber(ARGV[2])
local fields = {unpack(ARGV, 3, 2 + fieldCount)}

local function reserve(jobKey, round, device, now, deadline, member, whole)
  local job, s
  if whole == '1' then
    job = redis.call('HGETALL', jobKey)
    s = redis.call('HMGET', jobKey, 'state', 'round', 'amount', 'demand')
  else
    job = redis.call('HMGET', jobKey, unpack(fields))
    s = job
  end
  if not s[1] then
    return {'UNKNOWN_JOB'}
  end
  local state = tonumber(s[1])
  if (state ~= REQUESTING and state ~= FILLED) or s[2] ~= round then
    return {'CLOSED', '0', job}
  end
  local boundKey = jobKey .. ':bound'
  local held = redis.call('HGET', boundKey, device)
  if held then
    return {'ALREADY_BOUND', held, job}
  end
  local amount, demand = tonumber(s[3]) + 1, tonumber(s[4])
  if amount > demand then
    return {'FULL', '0', job}
  end
  redis.call('HSET', boundKey, device, deadline)
  redis.call('ZADD', KEYS[1], deadline, member)
  if amount == demand then
    redis.call('HSET', jobKey, 'amount', amount, 'state', FILLED, 'filledAt', now)
  else
    redis.call('HSET', jobKey, 'amount', amount)
  end
  redis.call('HINCRBY', jobKey, 'attainedService', 1)
  redis.call('HINCRBY', jobKey, 'version', 1)
  return {'BOUND', '0', job}
end

local results = {}
for i = 3 + fieldCount, #ARGV, 6 do
  local id, round, device = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local ok, result = pcall(reserve, ARGV[1] .. id, round, device, ARGV[i + 3], ARGV[i + 4],
    id .. ':' .. round .. ':' .. device, ARGV[i + 5])
  if ok then
    results[#results + 1] = result
  else
    results[#results + 1] = {'ERROR', tostring(type(result) == 'table' and result.err or result)}
  end
end
return results
