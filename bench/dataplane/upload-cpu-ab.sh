#!/usr/bin/env bash
# The leaf's CPU per 30 KB upload (issue 19, target 5: < 40 µs) for two builds of dataplane-bench.jar,
# invoked alternately (A, B, A, B...) with the issue's command, so that both see the same machine.
# Prints each invocation (uploads/s, leaf and sink CPU per upload, load average), the medians, and
# B's median over A's. Compare runs at like rates: on a loaded machine a slower run shares the leaf's
# fixed costs (timers, pushes, wake-ups) among fewer uploads.
# Usage: [A_ARGS=...] [B_ARGS=...] bench/dataplane/upload-cpu-ab.sh A.jar B.jar [INVOCATIONS_EACH]
#   e.g. A = a copy of bench/dataplane/target/dataplane-bench.jar built on main, B = one built here;
#   A_ARGS / B_ARGS are added to that side's command (e.g. B_ARGS="--group-commit-wait-us 0").
set -euo pipefail
a=$1; b=$2; n=${3:-5}
for jar in "$a" "$b"; do [ -f "$jar" ] || { echo "no such jar: $jar" >&2; exit 2; }; done
declare -A cpu
for i in $(seq 1 "$n"); do
  for side in A B; do
    jar=$a; extra=${A_ARGS:-}; [ "$side" = B ] && { jar=$b; extra=${B_ARGS:-}; }
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    line=$(java -jar "$jar" --sizes-mb none --tensor 7850 --upload-concurrency 16 --seconds 3 --warmup-seconds 3 \
      --repeats 3 $extra | grep "30 KB), 16 concurrent") || { echo "$side: dataplane-bench printed no 30 KB row" >&2; exit 1; }
    rate=$(echo "$line" | grep -o '| [0-9]* uploads/s' | head -1 | tr -dc '0-9')
    leaf=$(echo "$line" | grep -o 'leaf [0-9]* µs' | tr -dc '0-9')
    sink=$(echo "$line" | grep -o 'sink [0-9]* µs' | tr -dc '0-9')
    echo "$side run $i: $rate uploads/s, leaf $leaf µs, sink $sink µs per upload (load average $load)"
    cpu[$side]="${cpu[$side]:-} $leaf"
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
ma=$(echo "${cpu[A]}" | median); mb=$(echo "${cpu[B]}" | median)
echo "leaf CPU per 30 KB upload, median: A $ma µs, B $mb µs; B/A $(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.2f", b/a}')×;" \
  "target < 40 µs: $(awk -v b="$mb" 'BEGIN {print (b < 40 ? "met" : "not met")}') by B"
