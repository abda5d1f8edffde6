#!/usr/bin/env bash
# A profile of the binding path's closed-loop peak (issue 19, target 2): runs the embedded load
# generator's binding peak once (64 in flight) on STORE under JFR (1 ms sampling) and prints, over
# the measured seconds, the shares of the server's event-loop samples by step (bench/redis/LoopProfile.java)
# and, with Redis, what redis-server did per binding: each command's calls per binding and µs per
# call (INFO commandstats; the commands a script runs count on their own as well as inside EVALSHA),
# and redis-server's CPU per binding. Stops the load generator once the peak is measured.
# Usage: bench/redis/binding-profile.sh [STORE] [SECONDS] [JFR_FILE]   (STORE memory|redis, default redis)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/redis/peak.sh
peak_init "${1:-redis}" "${2:-10}"
jfr=${3:-$dir/peak.jfr}
peak_start -XX:StartFlightRecording=settings=profile,method-profiling=max
redisPid=""; redisPort=""; i=0
while kill -0 $pid 2>/dev/null && ! grep -q "closed(" "$dir/err.log"; do
  peak_find_redis
  i=$((i + 1))
  now=$(date +%s%3N)
  if [ -n "$redisPort" ]; then
    { echo "cpu $(awk '{print $14 + $15}' /proc/$redisPid/stat)"
      redis-cli -p "$redisPort" info commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_/ {print $1, $3, $5}'
    } > "$dir/redis.$i" 2>/dev/null || true
  fi
  echo "$i $now" >> "$dir/index"
  sleep 0.5
done
kill -0 $pid 2>/dev/null || { echo "the load generator ended early:" >&2; tail -20 "$dir/err.log" >&2; exit 1; }
tEnd=$(date +%s%3N)
jcmd $pid JFR.dump filename="$jfr" > /dev/null
kill $pid; wait $pid 2>/dev/null || true
# The load generator stops its redis-server when a run ends, not when it is killed.
[ -n "$redisPid" ] && kill "$redisPid" 2>/dev/null || true
line=$(grep "closed(" "$dir/err.log" | head -1)
ops=$(echo "$line" | awk '{print $3}')
echo "$store: $ops bindings/s; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$line"
java bench/redis/LoopProfile.java "$jfr" $((tEnd - seconds * 1000)) "$tEnd"
if [ "$store" = redis ]; then
  read -r last tLast < <(tail -1 "$dir/index")
  read -r first tFirst < <(awk -v s="$seconds" -v e="$tLast" 'e - $2 <= s * 1000 {print; exit}' "$dir/index")
  awk -v ops="$ops" -v w="$(( tLast - tFirst ))" -v hz="$hz" '
    FNR == NR { if ($1 == "cpu") c0 = $2; else { n0[$1] = $2; u0[$1] = $3 } next }
    $1 == "cpu" { c1 = $2; next }
    { dn[$1] = $2 - n0[$1]; du[$1] = $3 - u0[$1] }
    END { b = ops * w / 1000
      printf "redis-server: %.1f µs CPU per binding over %.1f s (%.0f bindings)\n", (c1 - c0) / hz * 1e6 / b, w / 1000, b
      printf "%-24s %14s %12s %14s\n", "command", "calls/binding", "µs/call", "µs/binding"
      for (k in dn) if (dn[k] > 0) printf "%-24s %14.2f %12.2f %14.2f\n", substr(k, 9), dn[k] / b, du[k] / dn[k], du[k] / b
    }' "$dir/redis.$first" "$dir/redis.$last" | sort -k4 -g -r
fi
