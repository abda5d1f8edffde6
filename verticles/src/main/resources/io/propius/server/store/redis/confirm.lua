-- Marks bindings as started (lease deadline 0): they no longer expire. Idempotent. Batched: several
-- confirmations in one atomic step, one after the other, each as if it came alone. Returns per
-- item, in order: {'NOT_FOUND'}, {'EXPIRED'}, {'1' when this call confirmed / '0' when already[,
-- job]}, or {'ERROR', message} for an item that failed (the others go on). A confirmation does not
-- change the job, so only the first answer of each job in the batch carries it; the caller gives
-- the later ones the same job. The job is the whole hash when the item asks for it, else the
-- values of the named fields (as in reserve.lua).
-- Each job is read once per batch, with its first item: the round its items are checked against
-- comes from the fields the answer carries (the job's hash does not change here), so a
-- confirmation costs an item HGET, ZREM and HSET of its binding.
-- KEYS: leases (zset)
-- ARGV: job key prefix, number of field names, the field names (round the second), then 5 values
--       per item: job id, round, device id, now, '1' for the whole hash
local fieldCount = tonumber(ARGV[2])
local fields = {unpack(ARGV, 3, 2 + fieldCount)}
-- Per job key of this batch: {round (false for no job), the job as read, '1' if read whole, sent}.
local jobs = {}

local function read(jobKey, whole)
  if whole == '1' then
    local hash = redis.call('HGETALL', jobKey)
    local round = false
    for i = 1, #hash, 2 do
      if hash[i] == 'round' then
        round = hash[i + 1]
      end
    end
    return {round, hash, whole, false}
  end
  local values = redis.call('HMGET', jobKey, unpack(fields))
  return {values[2], values, whole, false}
end

local function confirm(jobKey, round, device, now, member, whole)
  local job = jobs[jobKey]
  if not job then
    job = read(jobKey, whole)
    jobs[jobKey] = job
  end
  if not job[1] then
    return {'NOT_FOUND'}
  end
  local lease = false
  if job[1] == round then
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
  if job[4] then
    return {newly}
  end
  if job[3] ~= whole then
    -- Read in the other form for an earlier item that did not send it: read as this item asks.
    job = read(jobKey, whole)
    jobs[jobKey] = job
  end
  job[4] = true
  return {newly, job[2]}
end

local results = {}
for i = 3 + fieldCount, #ARGV, 5 do
  local id, round, device = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local ok, result = pcall(confirm, ARGV[1] .. id, round, device, ARGV[i + 3], id .. ':' .. round .. ':' .. device,
    ARGV[i + 4])
  if ok then
    results[#results + 1] = result
  else
    results[#results + 1] = {'ERROR', tostring(type(result) == 'table' and result.err or result)}
  end
end
return results
