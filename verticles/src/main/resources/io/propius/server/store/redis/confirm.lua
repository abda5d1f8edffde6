-- Marks a device's binding as started (lease deadline 0): it no longer expires. Idempotent.
-- Returns {'NOT_FOUND'}, {'EXPIRED'}, or {'1' when this call confirmed / '0' when already, job fields}.
-- KEYS: job (hash), its bindings (hash), leases (zset)
-- ARGV: round, device id, now, lease member
local round = redis.call('HGET', KEYS[1], 'round')
if not round then
  return {'NOT_FOUND'}
end
local lease = false
if round == ARGV[1] then
  lease = redis.call('HGET', KEYS[2], ARGV[2])
end
if not lease then
  return {'EXPIRED'}
end
local deadline = tonumber(lease)
if deadline ~= 0 and deadline < tonumber(ARGV[3]) then
  return {'EXPIRED'}
end
local newly = '0'
if deadline ~= 0 then
  redis.call('HSET', KEYS[2], ARGV[2], 0)
  redis.call('ZREM', KEYS[3], ARGV[4])
  newly = '1'
end
return {newly, redis.call('HGETALL', KEYS[1])}
