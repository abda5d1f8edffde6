-- Takes or renews the scheduler lease. The lease is "<token>|<node id>" with a time to live; a
-- node that takes it gets a new fencing token (a counter that only grows), and every score write
-- of the scheduler names its token (set-scores.lua), so a node that lost the lease writes nothing.
-- KEYS: lease (string), fencing counter
-- ARGV: node id, the token this node holds (0: none), time to live in ms
-- Returns {token, holder}: token 0 when another node holds the lease.
local current = redis.call('GET', KEYS[1])
if current then
  local token, node = string.match(current, '^(%d+)|(.*)$')
  if node == ARGV[1] and token == ARGV[2] then
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    return {tonumber(token), node}
  end
  return {0, node}
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. '|' .. ARGV[1], 'PX', ARGV[3])
return {token, ARGV[1]}
