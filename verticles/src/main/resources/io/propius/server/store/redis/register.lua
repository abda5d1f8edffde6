-- Registers a job unless that would exceed an admission limit; the check and the new id are one
-- atomic step, so registrations on several server processes together respect the limits.
-- KEYS: ids counter, admission counters (hash), live job ids (set)
-- ARGV: max live jobs, max live demand, max demand per tenant, tenant, est_demand, job key prefix,
--       max live jobs of the tenant, then the job's field/value pairs (without id and version)
local jobs = tonumber(redis.call('HGET', KEYS[2], 'jobs') or '0')
local demand = tonumber(redis.call('HGET', KEYS[2], 'demand') or '0')
local tenantField = 'tenant:' .. ARGV[4]
local tenant = tonumber(redis.call('HGET', KEYS[2], tenantField) or '0')
local tenantJobsField = 'jobs:' .. ARGV[4]
local tenantJobs = tonumber(redis.call('HGET', KEYS[2], tenantJobsField) or '0')
local est = tonumber(ARGV[5])
if jobs + 1 > tonumber(ARGV[1]) or demand + est > tonumber(ARGV[2]) or tenant + est > tonumber(ARGV[3])
    or tenantJobs + 1 > tonumber(ARGV[7]) then
  return {0, jobs, demand, tenant, tenantJobs}
end
local id = redis.call('INCR', KEYS[1])
redis.call('HSET', ARGV[6] .. id, 'id', id, 'version', 1, unpack(ARGV, 8))
redis.call('HINCRBY', KEYS[2], tenantJobsField, 1)
redis.call('SADD', KEYS[3], id)
redis.call('HINCRBY', KEYS[2], 'jobs', 1)
redis.call('HINCRBY', KEYS[2], 'demand', est)
redis.call('HINCRBY', KEYS[2], tenantField, est)
return {1, id}
