-- The hot path, batched: the reservations (accepts) and confirmations of an event loop that arrive
-- together, in one atomic step, one item after the other, each exactly as if it came alone.
-- A reservation ('R') reserves a slot of the job's open round only while amount < demand, counts
-- attained service, fills the round at its demand, and records the device's binding and lease
-- under its deadline; it answers {outcome, lease deadline of ALREADY_BOUND[, job]}. A confirmation
-- ('C') marks a binding as started (lease deadline 0: it no longer expires), idempotently; it
-- answers {'NOT_FOUND'}, {'EXPIRED'} or {'1' when this call confirmed / '0' when already[, job]}.
-- An item that fails (a key of the wrong type) answers {'ERROR', message} and changes nothing; the
-- others go on. Items may name different jobs, or the same device twice.
-- The job, as that item found it, comes only with the first answer of each job in the batch:
-- nothing else writes the job while this script runs, so a later item of the same job found it as
-- the item before left it, which the caller derives (JobTransitions.bind after a BOUND, the same
-- change made here; a confirmation changes no job). The job is the whole hash when the item asks
-- for it, else only the values of the named fields (those that change after registration; the
-- caller knows the rest).
-- Each job is read once per batch, with its first item (the counters, the round and the answer's
-- fields in one HMGET), and its counters are written once at the end, in one HSET. A free slot
-- costs a reservation two calls, HSETNX (the binding, or finding the device bound) and ZADD (its
-- lease); a confirmation HGET, ZREM and HSET of its binding.
-- KEYS: leases (zset)
-- ARGV: job key prefix, number of field names, the field names starting with state, round,
--       amount, demand and holding attainedService; then per item 'R', job id, round, device id,
--       now, lease deadline, '1' for the whole hash; or 'C', job id, round, device id, now, '1'
--       for the whole hash
local REQUESTING, FILLED = 2, 3 -- JobState numbers in propius.proto
local fieldCount = tonumber(ARGV[2])
local fields = {unpack(ARGV, 3, 2 + fieldCount)}
local attained
for i, name in ipairs(fields) do
  if name == 'attainedService' then
    attained = i
  end
end
-- The changing fields and, after them, the version (not sent back).
local counted = {unpack(fields)}
counted[#counted + 1] = 'version'
-- Per job key of this batch, false for no such job, else as the batch has left it so far:
-- {state, round, amount, demand, slots this batch reserved, fill time, attainedService, version,
--  the fields of its answer as read, '1' if read whole}.
local jobs = {}
-- Job keys whose job went out with an item's answer.
local sent = {}

local function load(jobKey, whole)
  local answer, s, version
  if whole == '1' then
    answer = redis.call('HGETALL', jobKey)
    local f = {}
    for i = 1, #answer, 2 do
      f[answer[i]] = answer[i + 1]
    end
    s, version = {f.state, f.round, f.amount, f.demand}, f.version
    s[attained] = f.attainedService
  else
    answer = redis.call('HMGET', jobKey, unpack(counted))
    version = table.remove(answer)
    s = answer
  end
  if not s[1] then
    return false
  end
  return {tonumber(s[1]), s[2], tonumber(s[3]), tonumber(s[4]), 0, false, tonumber(s[attained]), tonumber(version),
    answer, whole}
end

-- The job of an item, and the fields for its answer unless the job went out already. Until then
-- nothing of the job changed in this batch (an item that changes it sends it), so what was read is current.
local function jobOf(jobKey, whole)
  local j = jobs[jobKey]
  if j == nil then
    j = load(jobKey, whole)
    jobs[jobKey] = j
  end
  if not j or sent[jobKey] then
    return j, nil
  end
  if j[10] ~= whole then
    local other = load(jobKey, whole)
    j[9], j[10] = other[9], whole
  end
  return j, j[9]
end

local function reserve(jobKey, round, device, now, deadline, member, whole)
  local job, answer = jobOf(jobKey, whole)
  if not job then
    return {'UNKNOWN_JOB'}
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
  if answer then
    sent[jobKey] = true
    return {outcome, held, answer}
  end
  return {outcome, held}
end

local function confirm(jobKey, round, device, now, member, whole)
  local job, answer = jobOf(jobKey, whole)
  if not job then
    return {'NOT_FOUND'}
  end
  local lease = false
  if job[2] == round then
    lease = redis.call('HGET', jobKey .. ':bound', device)
  end
  if not lease then
    return {'EXPIRED'}
  end
  local deadline = tonumber(lease)
  if deadline ~= 0 and deadline < tonumber(now) then
    return {'EXPIRED'}
  end
  local newly = '0'
  if deadline ~= 0 then
    redis.call('ZREM', KEYS[1], member) -- first: a key of the wrong type fails before anything is written
    redis.call('HSET', jobKey .. ':bound', device, 0)
    newly = '1'
  end
  if answer then
    sent[jobKey] = true
    return {newly, answer}
  end
  return {newly}
end

local results = {}
local i = 3 + fieldCount
while i <= #ARGV do
  local id, round, device = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local jobKey, member = ARGV[1] .. id, id .. ':' .. round .. ':' .. device
  local ok, result
  if ARGV[i] == 'R' then
    ok, result = pcall(reserve, jobKey, round, device, ARGV[i + 4], ARGV[i + 5], member, ARGV[i + 6])
    i = i + 7
  else
    ok, result = pcall(confirm, jobKey, round, device, ARGV[i + 4], member, ARGV[i + 5])
    i = i + 6
  end
  if ok then
    results[#results + 1] = result
  else
    results[#results + 1] = {'ERROR', tostring(type(result) == 'table' and result.err or result)}
  end
end
for jobKey, job in pairs(jobs) do
  if job and job[5] > 0 then
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
