-- MED: records which client manager instance plans the data work of a job's open round, unless
-- another instance already does, in one atomic step, so that a round's shards are handed out by one
-- instance whichever instance a (new) scheduler leader names. Returns 1 when ARGV[2] plans the round
-- (just now or before), 0 otherwise (another planner, or the round is not open).
-- KEYS: job (hash), the round's planner (string)
-- ARGV: round, planner instance, key TTL ms
local REQUESTING = 2 -- JobState number in propius.proto
local s = redis.call('HMGET', KEYS[1], 'state', 'round')
if not s[1] or tonumber(s[1]) ~= REQUESTING or s[2] ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3])
if redis.call('GET', KEYS[2]) == ARGV[2] then
  return 1
end
return 0
