-- Marks bindings as started (lease deadline 0): they no longer expire. Idempotent. Batched: several
-- confirmations in one atomic step, one after the other, each as if it came alone. Returns per
-- item, in order: {'NOT_FOUND'}, {'EXPIRED'}, {'1' when this call confirmed / '0' when already[,
-- job]}, or {'ERROR', message} for an item that failed (the others go on). A confirmation does not
-- change the job, so only the first answer of each job in the batch carries it; the caller gives
-- the later ones the same job. The job is the whole hash when the item asks for it, else the
-- values of the named fields (as in reserve.lua).
-- KEYS: leases (zset)
-- ARGV: job key prefix, number of field names, the field names, then 5 values per item: job id,
--       round, device id, now, '1' for the whole hash
local fieldCount = tonumber(ARGV[2])
local fields = {unpack(ARGV, 3, 2 + fieldCount)}
-- Job keys whose job went out with an item's answer.
local sent = {}

local function confirm(jobKey, round, device, now, member, whole)
  local current = redis.call('HGET', jobKey, 'round')
  if not current then
    return {'NOT_FOUND'}
  end
  local lease = false
  if current == round then
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
  if sent[jobKey] then
    return {newly}
  end
  local job
  if whole == '1' then
    job = redis.call('HGETALL', jobKey)
  else
    job = redis.call('HMGET', jobKey, unpack(fields))
  end
  sent[jobKey] = true
  return {newly, job}
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
