-- Sets the priority scores of live jobs; unknown or ended jobs are skipped. The score is written
-- by the scheduler only, and update.lua writes only the fields a transition changed, so the score
-- needs no version bump. A fenced write (token > 0, cluster mode) happens only while the scheduler
-- lease carries that very token: a scheduler that lost its lease writes nothing.
-- KEYS: live job ids (set), scheduler lease
-- ARGV: fencing token (0: unfenced), job key prefix, then job id / score pairs
if ARGV[1] ~= '0' then
  local lease = redis.call('GET', KEYS[2])
  if not lease or string.match(lease, '^(%d+)|') ~= ARGV[1] then
    return -1
  end
end
for i = 3, #ARGV, 2 do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 1 then
    redis.call('HSET', ARGV[2] .. ARGV[i], 'score', ARGV[i + 1])
  end
end
return 0
