#!/usr/bin/env bash
# Check-in throughput of the server jar against a bare Vert.x endpoint, both driven by wrk from
# outside (issue 19, target 1: ratio >= 0.8; p99 at half of peak <= 5 ms).
#
# Three processes besides wrk: the server jar as a user runs it (memory store), `propius-loadgen
# hold-jobs` (jobs with an open round, so every check-in carries signed offers; it writes a real
# check-in response), and `propius-loadgen bare` (as many verticle instances as the server's client
# managers, answering those very bytes). wrk (1 thread, CONNECTIONS connections, bench/tls/checkin.lua:
# a new device id per request) warms both up, then alternates between them REPEATS times, swapping
# which goes first. CPU per request of each process is read from /proc around each run.
#
# p99 at half of peak: wrk is closed-loop only (wrk2 is not packaged) and a Lua delay() would make
# it wait for each answer before the next request, hiding queueing delay (coordinated omission).
# So that phase uses `propius-loadgen open-loop`, a process of its own with one event loop that
# sends on a fixed schedule over raw keep-alive connections and measures each latency from the
# intended send time; it prints its own CPU per check-in, and this script the server's.
#
# Usage: bench/checkin/run.sh [REPEATS] [SECONDS] [CONNECTIONS] [WARMUP]   (smoke: bench/checkin/run.sh 1 2 8 1)
# WARMUP: seconds of wrk against each before measuring (default 2 x SECONDS, at most 30); on a loaded
# machine the server's JIT needs a minute before its CPU per check-in settles.
# Environment: SERVER_JAR (the build measured), BASELINE_JAR (another build, started the same way and
# measured in the same alternation, to compare two builds), HALF_PEAK=0 (skip the p99 phase), and any
# PROPIUS_* setting for the servers.
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-5}; seconds=${2:-10}; connections=${3:-64}; warmup=${4:-$((2 * ${2:-10} > 30 ? 30 : 2 * ${2:-10}))}
instances=${PROPIUS_DEVICES_INSTANCES:-2}
server_jar=${SERVER_JAR:-verticles/target/propius.jar}
loadgen_jar=bench/loadgen/target/propius-loadgen.jar
for jar in "$server_jar" "$loadgen_jar"; do
  [ -f "$jar" ] || { echo "build it first: mvn -o -q package -DskipTests -pl verticles,bench/loadgen -am" >&2; exit 2; }
done
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$dir"' EXIT
await() { # file, pattern, what, pid
  for _ in $(seq 1 600); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || break
    sleep 0.1
  done
  echo "$3 did not start:" >&2; cat "$1" >&2; exit 1
}
declare -A url pid
start_server() { # name, jar, port base: the jar as a user runs it, and jobs with an open round (both start at once)
  local name=$1 jar=$2 base=$3
  PROPIUS_DEVICES_PORT=$base PROPIUS_JOBS_PORT=$((base + 1)) PROPIUS_ADMIN_PORT=$((base + 2)) \
    PROPIUS_DATA_PLANE_PORT=$((base + 3)) PROPIUS_DEVICES_HOST=127.0.0.1 PROPIUS_DEVICES_INSTANCES=$instances \
    PROPIUS_STORE_TYPE=memory java -Xmx1g -jar "$jar" > "$dir/$name.log" 2>&1 &
  pid[$name]=$!; pids+=($!)
  java -jar "$loadgen_jar" hold-jobs --server-devices 127.0.0.1:$base --server-jobs 127.0.0.1:$((base + 1)) \
    --sample-out "$dir/$name.json" > "$dir/$name-jobs.log" 2>&1 &
  pid[$name-jobs]=$!; pids+=($!)
  url[$name]=http://127.0.0.1:$base/v1/checkin
}
await_server() { # name
  await "$dir/$1.log" "Propius is up" "$1" "${pid[$1]}"
  await "$dir/$1-jobs.log" "open; a check-in answers" "hold-jobs for $1" "${pid[$1-jobs]}"
}
base=$((20000 + RANDOM % 20000))
devices=$base
names=(propius bare)
start_server propius "$server_jar" "$base"
if [ -n "${BASELINE_JAR:-}" ]; then
  start_server baseline "$BASELINE_JAR" $((base + 10))
  names+=(baseline)
fi
# The bare endpoint starts at once too, and waits for the body hold-jobs writes.
java -jar "$loadgen_jar" bare --port $((base + 5)) --instances "$instances" --body-file "$dir/propius.json" > "$dir/bare.log" 2>&1 &
pid[bare]=$!; pids+=($!)
url[bare]=http://127.0.0.1:$((base + 5))/v1/checkin
await_server propius
[ -n "${BASELINE_JAR:-}" ] && await_server baseline
await "$dir/bare.log" "bare endpoint up" "the bare endpoint" "${pid[bare]}"
echo "body $(wc -c < "$dir/propius.json") bytes, $instances instances each, wrk 1 thread $connections connections, ${warmup}s warm-up, ${seconds}s runs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_s=$(getconf CLK_TCK)
measure() { # name -> "req/s p99 cpu_us_per_req"
  local before after out rps requests p99
  before=$(cpu_ticks "${pid[$1]}")
  out=$(wrk -t1 -c"$connections" -d"${seconds}s" --latency -s bench/tls/checkin.lua "${url[$1]}")
  after=$(cpu_ticks "${pid[$1]}")
  # A wrong answer or a broken connection ends the run; timeouts (over 2 s: an overloaded machine) are reported.
  if echo "$out" | grep -q "Non-2xx" || echo "$out" | grep -Eq "Socket errors: connect [1-9]|read [1-9]|write [1-9]"; then
    echo "run against $1 had errors:" >&2; echo "$out" >&2; exit 1
  fi
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2} /Socket errors/ && $NF > 0 {print "(timeouts:" $NF ")"}' | paste -sd_)
  echo "$rps $p99 $(awk -v t=$((after - before)) -v hz="$ticks_per_s" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')"
}

for name in "${names[@]}"; do # warm-up: JIT and connections, not recorded
  wrk -t1 -c"$connections" -d"${warmup}s" -s bench/tls/checkin.lua "${url[$name]}" > /dev/null
done
for i in $(seq 1 "$repeats"); do
  order=("${names[@]}")
  [ $((i % 2)) = 0 ] && order=($(printf '%s\n' "${names[@]}" | tac))
  for name in "${order[@]}"; do
    read -r rps p99 cpu < <(measure "$name")
    echo "$rps" >> "$dir/$name.rps"; echo "$cpu" >> "$dir/$name.cpu"
    echo "run $i $name: $rps req/s, p99 $p99, cpu ${cpu} us/req"
  done
done
median() { sort -g "$1" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
spread() { sort -g "$1" | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo ".." hi}'; }
for name in "${names[@]}"; do
  echo "$name: median $(median "$dir/$name.rps") req/s ($(spread "$dir/$name.rps")), cpu median $(median "$dir/$name.cpu") us/req ($(spread "$dir/$name.cpu"))"
done
b=$(median "$dir/bare.rps"); bc=$(median "$dir/bare.cpu")
for name in "${names[@]}"; do
  [ "$name" = bare ] && continue
  awk -v n="$name" -v p="$(median "$dir/$name.rps")" -v b="$b" -v pc="$(median "$dir/$name.cpu")" -v bc="$bc" 'BEGIN {
    r = p / b
    printf "%s check-in throughput ratio: %.2f x bare (target >= 0.8: %s); cpu per check-in %.2f x bare\n", n, r,
      (r >= 0.8) ? "met" : "NOT met", pc / bc }'
done
p=$(median "$dir/propius.rps")
[ "${HALF_PEAK:-1}" = 0 ] && exit 0 # HALF_PEAK=0: throughput only (comparing builds)
half=$(awk -v p="$p" 'BEGIN {printf "%.0f", p / 2}')
# The generator's first seconds at the rate are its warm-up (its JIT), not reported.
half_warmup=$((seconds / 2 > 5 ? seconds / 2 : 5))
s0=$(cpu_ticks "${pid[propius]}")
java -jar "$loadgen_jar" open-loop --target 127.0.0.1:$devices --rate "$half" --connections "$connections" \
  --warmup "$half_warmup" --duration "$seconds" > "$dir/half.log" 2>&1 || { cat "$dir/half.log" >&2; exit 1; }
s1=$(cpu_ticks "${pid[propius]}")
line=$(grep "rate(" "$dir/half.log" | tail -1)
echo "at half of peak: $line"
awk -v t=$((s1 - s0)) -v hz="$ticks_per_s" -v r="$half" -v s=$((seconds + half_warmup)) \
  'BEGIN {printf "at half of peak: server %.2f cores, cpu %.1f us/check-in\n", t / hz / s, t / hz * 1e6 / (r * s)}'
p99=$(echo "$line" | grep -o 'p99=[0-9.]*' | cut -d= -f2)
awk -v p="$p99" -v r="$half" 'BEGIN {printf "p99 at half of peak (%d/s): %.2f ms (target <= 5 ms: %s)\n", r, p, (p <= 5) ? "met" : "NOT met"}'
