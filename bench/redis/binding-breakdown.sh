#!/usr/bin/env bash
# Where the binding path's closed-loop peak spends its CPU, per binding (issue 19, target 2): runs the
# embedded load generator's binding peak once (64 in flight) on STORE and prints, over the measured
# seconds, per thread group of the JVM (the server's event loops, the load generator's, JIT, GC, the
# rest) the user and kernel µs and the voluntary and involuntary context switches per binding; the
# JVM's system calls per binding and the futex calls among them (perf stat, if it may trace); with
# Redis, redis-server's CPU per binding and the items (reservations and confirmations) per script
# call: EVALSHA calls from redis-server's INFO commandstats against bindings. Only meaningful on an
# otherwise quiet machine. The two Vert.x instances' loops share a name (vert.x-eventloop-thread-N);
# the older half by thread id is the server's, whose Vert.x starts first and starts all its loops.
# Usage: bench/redis/binding-breakdown.sh [STORE] [SECONDS]   (STORE memory|redis, default redis)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/redis/peak.sh
peak_init "${1:-redis}" "${2:-10}"
peak_start
# One snapshot: "time tid comm utime stime voluntary involuntary" per thread of the JVM.
snapshot() {
  local now; now=$(date +%s.%N)
  join <(cat /proc/$pid/task/*/stat 2>/dev/null | awk '{
      comm = substr($0, index($0, "(") + 1); comm = substr(comm, 1, index(comm, ")") - 1); gsub(/ /, "_", comm)
      rest = substr($0, index($0, ")") + 2); split(rest, f, " "); print $1, comm, f[12], f[13]}' | sort) \
    <(awk '/^Pid:/ {t = $2} /^voluntary_ctxt/ {v = $2} /^nonvoluntary_ctxt/ {print t, v, $2}' \
      /proc/$pid/task/*/status 2>/dev/null | sort) | sed "s/^/$now /"
}
redisPid=""; redisPort=""; perfPid=""
# System calls of the whole JVM every 0.5 s, if perf may trace (perf_event_paranoid <= 2 and tracefs).
perfStart=$(date +%s.%N)
perf stat -x, -I 500 -e raw_syscalls:sys_enter,syscalls:sys_enter_futex -p $pid -o "$dir/perf" 2>/dev/null & perfPid=$!
i=0
while kill -0 $pid 2>/dev/null && ! grep -q "closed(" "$dir/err.log"; do
  peak_find_redis
  evals=0; redisTicks=0
  if [ -n "$redisPort" ]; then
    evals=$(redis-cli -p "$redisPort" info commandstats 2>/dev/null | awk -F'[:=,]' '/^cmdstat_evalsha:/ {print $3}')
    redisTicks=$(awk '{print $14 + $15}' /proc/$redisPid/stat 2>/dev/null || echo 0)
  fi
  i=$((i + 1))
  snapshot | sed "s/\$/ ${evals:-0} $redisTicks/" > "$dir/snap.$i"
  echo "$i $(head -1 "$dir/snap.$i" | cut -d' ' -f1)" >> "$dir/index"
  sleep 0.5
done
wait $pid || { echo "the load generator failed:" >&2; tail -20 "$dir/err.log" >&2; exit 1; }
[ -n "$perfPid" ] && wait $perfPid 2>/dev/null || true
ops=$(peak_ops)
# The measured window: the SECONDS before the closed-loop phase's result appeared.
read -r last tEnd < <(tail -1 "$dir/index")
read -r first tStart < <(awk -v s="$seconds" -v e="$tEnd" 'e - $2 <= s {print; exit}' "$dir/index")
w=$(awk -v a="$tStart" -v b="$tEnd" 'BEGIN {print b - a}')
join <(awk '{print $2, $0}' "$dir/snap.$first" | sort) <(awk '{print $2, $0}' "$dir/snap.$last" | sort) > "$dir/joined"
window() { awk -v t="$1" -v p="$perfStart" 'BEGIN {print t - p}'; }
read -r syscalls futexes < <(awk -F, -v a="$(window "$tStart")" -v b="$(window "$tEnd")" \
  '$1 + 0 > a + 0.25 && $1 + 0 <= b + 0.25 {if ($4 ~ /raw_syscalls/) n += $2; else if ($4 ~ /futex/) f += $2}
   END {print n + 0, f + 0}' "$dir/perf" 2>/dev/null || echo 0 0)
awk -v ops="$ops" -v hz="$hz" -v st="$store" -v w="$w" -v sc="$syscalls" -v fx="$futexes" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
  # tid | t0 tid comm u s vol inv evals rticks | t1 tid comm u s vol inv evals rticks
  { tid = $1; comm = $4; du = $14 - $5; ds = $15 - $6; dv = $16 - $7; di = $17 - $8
    if (comm ~ /^vert.x-eventloo/) { loops[++nl] = tid + 0; lu[tid + 0] = du; ls[tid + 0] = ds; lv[tid + 0] = dv; li[tid + 0] = di; next }
    g = comm ~ /Compiler/ ? "JIT" : comm ~ /^(GC_|G1_)/ ? "GC" : "other"
    u[g] += du; s[g] += ds; v[g] += dv; iv[g] += di }
  END {
    n = ops * w
    for (a = 2; a <= nl; a++) for (b = a; b > 1 && loops[b] < loops[b - 1]; b--) { x = loops[b]; loops[b] = loops[b - 1]; loops[b - 1] = x }
    for (k = 1; k <= nl; k++) { g = k <= nl / 2 ? "server loops" : "loadgen loops"; t = loops[k]
      u[g] += lu[t]; s[g] += ls[t]; v[g] += lv[t]; iv[g] += li[t] }
    printf "%s: %s bindings/s over %.1f s; load %s\n", st, ops, w, load
    printf "%-14s %10s %10s %10s %10s\n", "threads", "user µs", "kernel µs", "vol cs", "invol cs"
    split("server loops,loadgen loops,JIT,GC,other", order, ",")
    for (k = 1; k <= 5; k++) { g = order[k]
      printf "%-14s %10.1f %10.1f %10.2f %10.2f\n", g, u[g] / hz * 1e6 / n, s[g] / hz * 1e6 / n, v[g] / n, iv[g] / n
      tu += u[g]; ts += s[g]; tv += v[g]; ti += iv[g] }
    printf "%-14s %10.1f %10.1f %10.2f %10.2f   (%d event loops)\n", "JVM", tu / hz * 1e6 / n, ts / hz * 1e6 / n, tv / n, ti / n, nl
    if (sc > 0) printf "system calls of the JVM: %.1f per binding, of them futex (threads waiting for or waking each other) %.2f\n", sc / n, fx / n
  }' "$dir/joined"
if [ "$store" = redis ]; then
  read -r e0 r0 < <(head -1 "$dir/snap.$first" | awk '{print $8, $9}')
  read -r e1 r1 < <(head -1 "$dir/snap.$last" | awk '{print $8, $9}')
  awk -v e=$((e1 - e0)) -v r=$((r1 - r0)) -v ops="$ops" -v w="$w" -v hz="$hz" 'BEGIN { n = ops * w
    printf "redis-server %.1f µs per binding; %.2f EVALSHA per binding, so %.1f items per script call (reserve and confirm)\n",
      r / hz * 1e6 / n, e / n, 2 * n / e }'
fi
