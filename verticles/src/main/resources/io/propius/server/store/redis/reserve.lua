-- The hot path, batched: reserves slots of open rounds for several devices in one atomic step,
-- one item after the other, each exactly as if it came alone. Per item: only while amount <
-- demand, counts attained service, fills the round at its demand, and records the device's lease
-- under its deadline. Items may name different jobs, or the same device twice (the second finds it
-- ALREADY_BOUND). Returns one {outcome, lease deadline of ALREADY_BOUND[, job]} per item, in order.
-- The job, as that item found it, comes only with the first item of each job in the batch: nothing
-- else writes the job while this script runs, so a later item of the same job found it as the
-- item before left it, which the caller derives (JobTransitions.bind after a BOUND, the same change
-- made here). This keeps the reply, and both sides' work on it, to a few values per item. The job
-- is the whole hash when the item asks for it, else only the values of the named fields (those
-- that change after registration; the caller knows the rest). An item that fails (a key of the
-- wrong type) answers {'ERROR', message} and changes nothing; the others go on.
-- Each job's counters are read once per batch (with the job's first item) and written once at its
-- end, in one HSET. A free slot costs an item two calls: HSETNX (taking the device's binding, or
-- finding it already bound) and ZADD (its lease).
-- KEYS: leases (zset)
-- ARGV: job key prefix, number of field names, the field names starting with state, round,
--       amount, demand and holding attainedService; then 6 values per item: job id, round,
--       device id, now, lease deadline, '1' for the whole hash
local REQUESTING, FILLED = 2, 3 -- JobState numbers in propius.proto
local fieldCount = tonumber(ARGV[2])
local fields = {unpack(ARGV, 3, 2 + fieldCount)}
local attained
for i, name in ipairs(fields) do
  if name == 'attainedService' then
    attained = i
  end
end
-- The counters come with the changing fields, and the version after them (not sent back).
local counted = {unpack(fields)}
counted[#counted + 1] = 'version'
-- Per job key touched by this batch: {state, round, amount, demand, bound, filledAt,
-- attainedService, version}, as the batch has left it so far (bound: slots this batch reserved).
local jobs = {}
-- Job keys whose job went out with an item's answer.
local sent = {}

local function reserve(jobKey, round, device, now, deadline, member, whole)
  local found, version
  if not sent[jobKey] then
    -- Nothing of this job changed in this batch yet (an item that changed it would have sent it).
    if whole == '1' then
      found = redis.call('HGETALL', jobKey)
    else
      found = redis.call('HMGET', jobKey, unpack(counted))
      version = table.remove(found)
    end
  end
  local job = jobs[jobKey]
  if not job then
    local s = found
    if whole == '1' or not found then
      s = redis.call('HMGET', jobKey, unpack(counted))
      version = table.remove(s)
    end
    if not s[1] then
      return {'UNKNOWN_JOB'}
    end
    job = {tonumber(s[1]), s[2], tonumber(s[3]), tonumber(s[4]), 0, false, tonumber(s[attained]), tonumber(version)}
    jobs[jobKey] = job
  end
  local outcome, held = 'CLOSED', '0'
  if (job[1] == REQUESTING or job[1] == FILLED) and job[2] == round then
    local boundKey = jobKey .. ':bound'
    if job[3] < job[4] and redis.call('HSETNX', boundKey, device, deadline) == 1 then
      -- The lease; if its key is of the wrong type, the binding goes again: the item changes nothing.
      local added = redis.pcall('ZADD', KEYS[1], deadline, member)
      if type(added) == 'table' and added.err then
        redis.call('HDEL', boundKey, device)
        error(added)
      end
      outcome = 'BOUND'
      job[3], job[5] = job[3] + 1, job[5] + 1
      if job[3] == job[4] then
        job[1], job[6] = FILLED, now
      end
    else
      local lease = redis.call('HGET', boundKey, device)
      if lease then
        outcome, held = 'ALREADY_BOUND', lease
      else
        outcome = 'FULL'
      end
    end
  end
  if found then
    sent[jobKey] = true
    return {outcome, held, found}
  end
  return {outcome, held}
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
for jobKey, job in pairs(jobs) do
  if job[5] > 0 then
    local service, version = job[7] + job[5], job[8] + 1
    if job[6] then
      redis.call('HSET', jobKey, 'amount', job[3], 'attainedService', service, 'version', version, 'state', FILLED,
        'filledAt', job[6])
    else
      redis.call('HSET', jobKey, 'amount', job[3], 'attainedService', service, 'version', version)
    end
  end
end
return results
