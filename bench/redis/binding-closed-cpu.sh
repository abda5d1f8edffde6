#!/usr/bin/env bash
# Is the binding path's closed-loop peak bound by CPU or by waiting (issue 19, target 2)? Runs the
# embedded load generator's binding peak once (64 in flight) on STORE and prints, over the measured
# seconds, the CPU per binding of the JVM (server and generator; user and kernel) and of redis-server, the cores each
# used, and the machine's idle cores (/proc). Idle cores at the peak mean the phase waits (batches,
# round trips), not computes. Only meaningful on an otherwise quiet machine.
# Usage: bench/redis/binding-closed-cpu.sh [STORE] [SECONDS]   (STORE memory|redis, default redis)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/redis/peak.sh
peak_init "${1:-redis}" "${2:-10}"
peak_start
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
userTicks() { awk '{print $14}' "/proc/$1/stat" 2>/dev/null || echo 0; }
: > "$dir/samples"
while kill -0 $pid 2>/dev/null; do
  redis=$(pgrep -P $pid redis-server | head -1 || true)
  done_now=0; grep -q "closed(" "$dir/err.log" && done_now=1
  echo "$(date +%s.%N) $(ticks $pid) $([ -n "$redis" ] && ticks "$redis" || echo 0)" \
    "$(awk '/^cpu / {print $5 + $6}' /proc/stat) $done_now $(userTicks $pid)" >> "$dir/samples"
  sleep 0.25
done
wait $pid || { echo "the load generator failed:" >&2; tail -20 "$dir/err.log" >&2; exit 1; }
ops=$(peak_ops)
# The measured window: the SECONDS before the closed-loop phase's result appeared.
read -r jvm redis idle window user < <(awk -v s="$seconds" '{t[NR] = $1; a[NR] = $2; b[NR] = $3; c[NR] = $4; d[NR] = $5; u[NR] = $6}
  END { for (e = 1; e <= NR && !d[e]; e++); if (e > NR) e = NR
        for (i = e; i > 1 && t[e] - t[i] < s; i--);
        print a[e] - a[i], b[e] - b[i], c[e] - c[i], t[e] - t[i], u[e] - u[i] }' "$dir/samples")
awk -v ops="$ops" -v j="$jvm" -v u="$user" -v r="$redis" -v i="$idle" -v w="$window" -v hz="$hz" -v st="$store" \
  -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN { n = ops * w
  printf "%s: %s bindings/s; JVM %.1f µs per binding (%.1f user, %.1f kernel; %.2f cores), redis-server %.1f µs (%.2f cores), machine idle %.2f cores; %.1f s window; load %s\n",
    st, ops, j / hz * 1e6 / n, u / hz * 1e6 / n, (j - u) / hz * 1e6 / n, j / hz / w, r / hz * 1e6 / n, r / hz / w, i / hz / w, w, load }'
