#!/usr/bin/env bash
# CPU time of the server process per HTTP request of the binding path (check-in -> accept -> confirm),
# for two builds of the server jar measured alternately at the same fixed open-loop rate: the A/B
# measure for changes to the accept and confirm handlers (issue 19, target 2), which a busy machine
# moves far less than peak rates. With STORE=redis the redis-server's CPU per request is given too.
#
# Each run starts the server jar as a user runs it and runs `propius-loadgen run --rate RATE` against
# it (a closed-loop warm-up, then the open loop: WARMUP seconds, then SECONDS measured); the server's
# (and redis-server's) CPU ticks from /proc over the measured seconds, divided by the HTTP requests
# answered in them. The medians over ROUNDS runs of each build are printed, and their ratio.
# Usage: bench/redis/binding-cpu.sh BASELINE_SERVER_JAR [ROUNDS] [RATE] [SECONDS] [WARMUP]
#   BASELINE_SERVER_JAR: verticles/target/propius.jar built from the baseline commit; the build
#   measured is verticles/target/propius.jar (SERVER_JAR to name another). RATE: bindings/s (3 HTTP
#   requests each). STORE=memory|redis (default redis).
#   Smallest setting: bench/redis/binding-cpu.sh BASELINE_JAR 1 200 2 1
set -euo pipefail
cd "$(dirname "$0")/../.."
baseline=${1:?"usage: bench/redis/binding-cpu.sh BASELINE_SERVER_JAR [ROUNDS] [RATE] [SECONDS]"}
rounds=${2:-3}; rate=${3:-1500}; seconds=${4:-10}; warmup=${5:-10}; store=${STORE:-redis}
current=${SERVER_JAR:-verticles/target/propius.jar}
loadgen=bench/loadgen/target/propius-loadgen.jar
for jar in "$baseline" "$current" "$loadgen"; do
  [ -f "$jar" ] || { echo "missing $jar (build: mvn -q -B -pl verticles,bench/loadgen -am package -DskipTests)" >&2; exit 2; }
done
dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$dir"' EXIT
base=$((20000 + RANDOM % 20000))
redis_pid=
if [ "$store" = redis ]; then
  redis-server --port $((base + 9)) --bind 127.0.0.1 --save "" --appendonly no > "$dir/redis.log" 2>&1 &
  redis_pid=$!; pids+=($!)
  for _ in $(seq 1 100); do redis-cli -p $((base + 9)) ping > /dev/null 2>&1 && break; sleep 0.1; done
fi
ticks() { [ -n "$1" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
hz=$(getconf CLK_TCK)
declare -A server redis
for round in $(seq 1 "$rounds"); do
  for build in baseline current; do
    jar=$baseline; [ $build = current ] && jar=$current
    [ -n "$redis_pid" ] && redis-cli -p $((base + 9)) flushall > /dev/null
    : > "$dir/server.log" # emptied first, as the load generator's log below
    PROPIUS_DEVICES_PORT=$base PROPIUS_JOBS_PORT=$((base + 1)) PROPIUS_ADMIN_PORT=$((base + 2)) \
      PROPIUS_DATA_PLANE_PORT=$((base + 3)) PROPIUS_DEVICES_HOST=127.0.0.1 PROPIUS_STORE_TYPE=$store \
      PROPIUS_STORE_REDIS_URI=redis://127.0.0.1:$((base + 9)) java -Xmx1g -jar "$jar" > "$dir/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do grep -q "Propius is up" "$dir/server.log" && break; sleep 0.1; done
    grep -q "Propius is up" "$dir/server.log" || { echo "the $build server did not start:" >&2; cat "$dir/server.log" >&2; exit 1; }
    # One load generator run: a closed-loop warm-up (JIT, connections), then the open loop at RATE
    # (WARMUP seconds, then SECONDS measured). The server's and redis-server's CPU ticks are sampled
    # every 0.2 s; the measured window is the SECONDS before the phase's result appeared.
    # Emptied here, not by the redirection below: the loops that wait on these logs must not see the
    # last run's.
    : > "$dir/load.log"
    java -jar "$loadgen" run --server-devices 127.0.0.1:$base --server-jobs 127.0.0.1:$((base + 1)) --ops binding \
      --rate "$rate" --warmup "$warmup" --duration "$seconds" > "$dir/load.md" 2> "$dir/load.log" &
    lg=$!
    : > "$dir/samples"
    while kill -0 $lg 2>/dev/null; do
      done_now=0; grep -q "rate(" "$dir/load.log" && done_now=1
      echo "$(date +%s.%N) $(ticks $pid) $(ticks "$redis_pid") $done_now" >> "$dir/samples"
      sleep 0.2
    done
    wait $lg || { echo "the load generator failed against the $build server:" >&2; tail -20 "$dir/load.log" >&2; exit 1; }
    kill $pid; wait $pid 2>/dev/null || true
    out=$(cat "$dir/load.md")
    # -> "server_ticks redis_ticks seconds" over the measured window
    read -r dserver dredis window < <(awk -v s="$seconds" '{t[NR] = $1; a[NR] = $2; b[NR] = $3; d[NR] = $4}
      END { for (e = 1; e <= NR && !d[e]; e++); if (e > NR) e = NR
            for (i = e; i > 1 && t[e] - t[i] < s; i--);
            print a[e] - a[i], b[e] - b[i], t[e] - t[i] }' "$dir/samples")
    awk -v w="$window" -v s="$seconds" 'BEGIN {exit !(w >= s)}' \
      || { echo "the $build run: CPU samples cover ${window}s, not the ${seconds}s measured" >&2; exit 1; }
    # The open-loop row: "| binding | rate(R/s) | ops/s | | HTTP requests/s | ..." and its failures.
    row=$(echo "$out" | awk -F'|' '$2 ~ /binding/ && $3 ~ /rate/')
    http=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $6); print $6}')
    failed=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $11); print $11}')
    [ "$failed" = 0 ] || { echo "the $build run had $failed failed bindings:" >&2; echo "$out" >&2; exit 1; }
    # A run whose open loop answered nothing in its window (seen on a loaded machine) measures no request.
    awk -v h="$http" 'BEGIN {exit !(h > 0)}' || { echo "round $round, $build: no requests answered in the window; not counted" >&2; continue; }
    requests=$(awk -v h="$http" -v s="$seconds" 'BEGIN {print h * s}')
    sc=$(awk -v t="$dserver" -v hz="$hz" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
    rc=$(awk -v t="$dredis" -v hz="$hz" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
    server[$build]+="$sc "; redis[$build]+="$rc "
    echo "round $round, $build (load $(cut -d' ' -f1-3 /proc/loadavg)): $http HTTP requests/s;" \
      "server CPU $sc µs per request, redis-server $rc µs"
  done
done
median() { printf '%s\n' $1 | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
spread() { printf '%s\n' $1 | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "-" hi}'; }
for build in baseline current; do
  echo "$build: server CPU per HTTP request $(median "${server[$build]}") µs ($(spread "${server[$build]}")), redis-server" \
    "$(median "${redis[$build]}") µs ($(spread "${redis[$build]}")), store $store, $rate bindings/s, $(echo ${server[$build]} | wc -w) runs"
done
awk -v b="$(median "${server[baseline]}")" -v c="$(median "${server[current]}")" \
  'BEGIN {printf "server CPU per request, current / baseline: %.2fx\n", c / b}'
