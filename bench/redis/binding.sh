#!/usr/bin/env bash
# The binding path (check-in -> accept -> confirm) on the Redis store, against the bare endpoint per
# HTTP request and against the in-memory store's bindings per second. Runs the load generator once
# per store (each run interleaves bare and binding peaks REPEAT times and takes the medians) and
# prints the two ratios of issue 19's target 2 (>= 0.6x bare, >= 0.7x memory).
# Usage: bench/redis/binding.sh [DURATION] [WARMUP] [REPEAT] [ROUNDS] [load generator options...]
#   ROUNDS pairs of runs (memory, then Redis); the median of each ratio over the rounds is printed.
#   Further options go to the Redis run, e.g. --redis-max-batch 1 to measure without batching.
#   Smallest setting (CI smoke, about 25 s on a quiet machine): bench/redis/binding.sh 1 1 1 1
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-5}; warmup=${2:-2}; repeat=${3:-3}; rounds=${4:-3}
shift $(($# < 4 ? $# : 4))
jar=${LOADGEN_JAR:-bench/loadgen/target/propius-loadgen.jar}
[ -f "$jar" ] || { echo "build it first: mvn -q -B -pl bench/loadgen -am package -DskipTests" >&2; exit 2; }
# Column of a closed-loop (peak) row of the load generator's table: 4 ops/s, 7 HTTP requests/s x bare.
column() { awk -F'|' -v op="$1" -v col="$2" '$2 ~ "^ *" op " *$" && $3 ~ /closed/ {gsub(/[ ×]/, "", $col); print $col}'; }
log=$(mktemp); trap 'rm -f "$log"' EXIT
perRequest=(); vsMemory=(); vsMemoryPerBare=()
for round in $(seq 1 "$rounds"); do
  declare -A ops bare
  for store in memory redis; do
    extra=()
    [ "$store" = redis ] && extra=("$@")
    out=$(java -jar "$jar" run --ops bare,binding --duration "$duration" --warmup "$warmup" --repeat "$repeat" \
      --store "$store" "${extra[@]}" 2>"$log") || { echo "the load generator failed:" >&2; tail -20 "$log" >&2; exit 1; }
    ops[$store]=$(echo "$out" | column binding 4)
    [ -n "${ops[$store]}" ] || { echo "no binding figure from the $store run:" >&2; tail -20 "$log" >&2; exit 1; }
    bare[$store]=$(echo "$out" | column bare 4)
    [ "$store" = redis ] && perRequest+=("$(echo "$out" | column binding 7)")
  done
  vsMemory+=("$(awk -v r="${ops[redis]}" -v m="${ops[memory]}" 'BEGIN {printf "%.2f", r / m}')")
  # The two stores run one after the other: on a shared machine, each against its own run's bare endpoint.
  vsMemoryPerBare+=("$(awk -v r="${ops[redis]}" -v rb="${bare[redis]}" -v m="${ops[memory]}" -v mb="${bare[memory]}" \
    'BEGIN {printf "%.2f", (r / rb) / (m / mb)}')")
  echo "round $round (load $(cut -d' ' -f1-3 /proc/loadavg)): bound devices/s memory ${ops[memory]} (bare ${bare[memory]} req/s)," \
    "redis ${ops[redis]} (bare ${bare[redis]} req/s); redis per request ${perRequest[-1]}x bare, ${vsMemory[-1]}x memory" \
    "(${vsMemoryPerBare[-1]}x relative to each run's bare)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "Redis binding path per HTTP request vs bare: $(median "${perRequest[@]}")x (target >= 0.6; runs: ${perRequest[*]})"
echo "Redis vs in-memory bound devices/s:          $(median "${vsMemory[@]}")x (target >= 0.7; runs: ${vsMemory[*]})"
echo "  the same, each against its own run's bare: $(median "${vsMemoryPerBare[@]}")x (runs: ${vsMemoryPerBare[*]})"
