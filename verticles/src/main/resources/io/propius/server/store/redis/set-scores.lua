-- Sets the priority scores of live jobs; unknown or ended jobs are skipped. The score is written
-- by the scheduler only, and update.lua writes only the fields a transition changed, so the score
-- needs no version bump.
-- KEYS: live job ids (set)
-- ARGV: job key prefix, then job id / score pairs
for i = 2, #ARGV, 2 do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 1 then
    redis.call('HSET', ARGV[1] .. ARGV[i], 'score', ARGV[i + 1])
  end
end
return 0
