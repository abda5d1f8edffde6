#!/usr/bin/env bash
# Runs every benchmark that has a target in docs/BENCHMARKS.md, one after another, and prints one table:
# per benchmark, the lines in which it states its own ratio and verdict. Each benchmark measures its
# baseline in the same run, so they must not overlap.
#
# Usage: bench/run-all.sh [short|smoke] [NAME...]
#   short (default): a few seconds per measurement, about 15 minutes in all; an indication only: the
#                    figures in docs/BENCHMARKS.md come from the longer settings written next to them.
#   smoke:           the smallest setting of each, to keep the commands working (CI runs it; numbers
#                    from it mean nothing).
#   NAME:            run only these (checkin binding dataplane tls ratelimit leaf simulator cluster med).
# Builds nothing: run `mvn -B -q package -DskipTests` first. Logs go to a temporary folder, printed at
# the end; a benchmark that fails makes the script fail after the others have run.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=short
case "${1:-}" in short|smoke) mode=$1; shift ;; esac
only=" $* "
logs=$(mktemp -d)
table=$logs/table.md
failed=()

# name, target, verdict pattern (grep -E over the output), short command, smoke command
run() {
  local name=$1 target=$2 pattern=$3 short=$4 smoke=$5
  [ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || return 0
  local cmd=$short; [ "$mode" = smoke ] && cmd=$smoke
  echo "== $name: $cmd" >&2
  local started=$SECONDS
  if bash -c "$cmd" > "$logs/$name.log" 2>&1; then
    grep -E "$pattern" "$logs/$name.log" | sed 's/|/\\|/g' | while IFS= read -r line; do
      echo "| $name | $target | $line |" >> "$table"
    done
    grep -qE "$pattern" "$logs/$name.log" || { echo "| $name | $target | (printed no verdict) |" >> "$table"; failed+=("$name"); }
  else
    echo "| $name | $target | FAILED, see $logs/$name.log |" >> "$table"
    failed+=("$name")
  fi
  echo "   $((SECONDS - started)) s" >&2
}

loadgen=bench/loadgen/target/propius-loadgen.jar
dataplane=bench/dataplane/target/dataplane-bench.jar
med=bench/med/target/med-bench.jar

run checkin "check-in >= 0.8x bare (wrk); p99 at half of peak <= 5 ms" "ratio|p99 at half" \
  "bench/checkin/run.sh 3 5 64 10" "bench/checkin/run.sh 1 2 8 1"
run binding "Redis binding >= 0.6x bare per request, >= 0.7x in-memory" "target" \
  "bench/redis/binding.sh 3 2 3 1" "bench/redis/binding.sh 1 1 1 1"
run dataplane "plans >= 0.9x nginx at 1 and 16 MB, 16 and 64 concurrent; 1 and 16 MB uploads >= 0.8x the sink at 16 concurrent; 30 KB upload < 40 us leaf CPU" "^\\| (plan|upload)" \
  "java -jar $dataplane --sizes-mb 1,16 --concurrency 16,64 --tensor 7850,262144,4194304 --upload-concurrency 16 --seconds 3 --repeats 3" \
  "java -jar $dataplane --sizes-mb 1 --concurrency 2 --tensor 7850 --upload-concurrency 4 --seconds 1 --warmup-seconds 1 --repeats 1"
run tls "TLS check-in >= 0.7x plaintext" "ratio" \
  "bench/tls/run.sh 2 5 64 20" "bench/tls/run.sh 1 1 16 1"
run ratelimit "check-in CPU with rate limits <= 1.10x without" "ratio" \
  "bench/security/ratelimit.sh 2 5 64 20" "bench/security/ratelimit.sh 1 1 16 1"
run leaf "leaf CPU per upload, JWS vs the old HMAC token <= 1.05x" "^ratio JWS" \
  "bench/security/leaf-ratio.sh 3 3 16" "bench/security/leaf-ratio.sh 1 1 4 20000"
run simulator "10 M devices, 50 jobs, a week in < 120 s (short: 1 M)" "wall" \
  "bench/simulator/run.sh 1000000 7 1" "bench/simulator/run.sh 20000 1 1"
run cluster "cluster CPU per check-in <= 1.3x single process" "against the single process" \
  "java -jar $loadgen cluster --nodes 1,2 --warmup 5 --duration 3 --repeat 3" \
  "java -jar $loadgen cluster --nodes 1 --warmup 1 --duration 1 --repeat 1 --demand 500"
run med "MED training time < MMTT-Uncertain's; every thesis-setting solve proven optimal" "^\| MED" \
  "java -jar $med --trials 20 --gucs 5 --seed 1 --solve-ms 0 --ideal" \
  "java -jar $med --trials 1 --gucs 1 --seed 1 --solve-ms 0"

echo
echo "Benchmarks at the $mode setting, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| benchmark | target | what it printed |"
echo "|---|---|---|"
cat "$table" 2>/dev/null
echo
echo "logs: $logs"
if ((${#failed[@]})); then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
