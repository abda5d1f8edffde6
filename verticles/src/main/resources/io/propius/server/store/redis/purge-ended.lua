-- Forgets jobs that finished or expired before a time, with their bindings.
-- KEYS: ended jobs (zset by end time)
-- ARGV: ended before (exclusive), job key prefix, most jobs per call
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  redis.call('DEL', ARGV[2] .. id, ARGV[2] .. id .. ':bound')
  redis.call('ZREM', KEYS[1], id)
end
return #ids
