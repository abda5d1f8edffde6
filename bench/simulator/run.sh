#!/usr/bin/env bash
# The simulator's speed target (issue 19): 10,000,000 devices, 50 jobs (online Propius, FIFO), one
# simulated week, devices simulated to the end of the week, in under 120 s of wall time on 2 cores.
# Runs the jar REPEATS times at DEVICES devices and DAYS days and prints, per run, the wall time,
# the CPU time of the process (user + sys), of the simulating threads, of the main one and of the
# work in line (the main thread's, then the timeline's after the last job), and the peak resident
# memory per device; then the median wall time and, at the target's setting, the ratio
# 120 s / median (>= 1 meets the target). On a loaded machine the wall time is not the machine's:
# the CPU time in line is what bounds it on 2 free cores.
# Usage: bench/simulator/run.sh [DEVICES] [DAYS] [REPEATS]   (defaults: 10000000 7 1)
# Smallest setting (CI smoke, a few seconds): bench/simulator/run.sh 20000 1 1
set -euo pipefail
cd "$(dirname "$0")/../.."
devices=${1:-10000000}; days=${2:-7}; repeats=${3:-1}
jar=bench/simulator/target/propius-sim.jar
[ -f "$jar" ] || { echo "build it first: mvn -q -B -pl bench/simulator -am package -DskipTests" >&2; exit 2; }
# About 150 bytes of live heap per device, twice that for G1 to work in, and room for small runs.
heap_mb=$(( devices * 300 / 1000000 + 512 ))
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# GNU time (Debian package "time") gives the process's CPU and peak RSS; without it they read 0.
timer=(); [ -x /usr/bin/time ] && timer=(/usr/bin/time -v)
walls=()
for i in $(seq 1 "$repeats"); do
  "${timer[@]}" java -Xmx${heap_mb}m -jar "$jar" run --devices "$devices" --days "$days" --jobs 50 \
    --methods propius-fifo --run-to-horizon --seed 1 > "$dir/out" 2> "$dir/time"
  line=$(grep '^propius-fifo ' "$dir/out")
  wall=$(sed -E 's/.* wall=([0-9.]+)s.*/\1/' <<< "$line")
  cpu=$(sed -E 's/.* cpu=([0-9.]+)s.*/\1/' <<< "$line")
  main=$(sed -E 's/.*main thread ([0-9.]+)s.*/\1/' <<< "$line")
  inline=$(sed -E 's/.* in line ([0-9.]+)s.*/\1/' <<< "$line")
  events=$(sed -E 's/.* events=([0-9]+) .*/\1/' <<< "$line")
  user=$(awk -F': ' '/User time/ {print $2}' "$dir/time"); user=${user:-0}
  sys=$(awk -F': ' '/System time/ {print $2}' "$dir/time"); sys=${sys:-0}
  rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$dir/time"); rss=${rss:-0}
  printf 'run %d: %d devices, %s days, %s events: wall %s s, process CPU %.1f s, simulating threads %s s, main thread %s s, in line %s s, peak RSS %d MB (%d B/device), load %s\n' \
    "$i" "$devices" "$days" "$events" "$wall" "$(awk "BEGIN {print $user + $sys}")" "$cpu" "$main" "$inline" $((rss / 1024)) \
    $((rss * 1024 / devices)) "$(cut -d' ' -f1-3 /proc/loadavg)"
  walls+=("$wall")
done
median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')
if [ "$devices" = 10000000 ] && [ "$days" = 7 ]; then
  printf 'simulator: median wall %s s over %d run(s); ratio 120 s / wall = %.2f (target: >= 1)\n' \
    "$median" "$repeats" "$(awk "BEGIN {print 120 / $median}")"
else
  printf 'simulator: median wall %s s over %d run(s); ratio n/a (the target is 10000000 devices, 7 days)\n' \
    "$median" "$repeats"
fi
