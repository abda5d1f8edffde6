-- Gives the scheduler lease up (a node shutting down), only if this node still holds that token.
-- KEYS: lease; ARGV: node id, token
if redis.call('GET', KEYS[1]) == ARGV[2] .. '|' .. ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
