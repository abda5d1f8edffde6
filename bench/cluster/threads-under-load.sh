#!/usr/bin/env bash
# Which threads of the Propius nodes use the CPU while `propius-loadgen cluster` measures: runs it with
# the given arguments, reads every node's per-thread utime + stime (/proc/<pid>/task/*/stat) every
# 2 s, and afterwards prints, for each "without load" reading and each check-in phase through HAProxy,
# the nodes' ms of CPU per second by thread group (compiler threads, event loops, Hazelcast, ...) over
# the --duration seconds (default 5) before the phase's line appeared. Thread names are the kernel's
# 15-character ones.
# Usage: bench/cluster/threads-under-load.sh [loadgen cluster arguments]
#   e.g. bench/cluster/threads-under-load.sh --nodes 3 --repeat 3 --duration 5 --warmup 10
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=${LOADGEN_JAR:-bench/loadgen/target/propius-loadgen.jar}
[ -f "$jar" ] || { echo "build it first: mvn -q -B -pl bench/loadgen -am package -DskipTests" >&2; exit 2; }
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
hz=$(getconf CLK_TCK)
seconds=5; prev=""; for a in "$@"; do [ "$prev" = --duration ] && seconds=$a; prev=$a; done
java -jar "$jar" cluster "$@" 2> >(while IFS= read -r l; do echo "$(date +%s.%N) $l"; done > "$dir/err") > "$dir/out.md" &
gen=$!
while kill -0 $gen 2> /dev/null; do
  t=$(date +%s.%N)
  for pid in $(pgrep -P $gen -f io.propius.server.Main || true); do
    awk -v pid="$pid" -v t="$t" '{ comm = $0; sub(/^[^(]*\(/, "", comm); sub(/\) .*$/, "", comm)
        rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " "); tid = FILENAME; sub(/^.*task\//, "", tid)
        g = comm; sub(/^hz\..*/, "hazelcast", g); gsub(/[0-9]+/, "#", g); gsub(/ /, "_", g)
        print t, pid, tid, f[12] + f[13], g; nextfile }' /proc/"$pid"/task/*/stat 2> /dev/null || true
  done >> "$dir/samples"
  sleep 2
done
wait $gen
cat "$dir/out.md"
grep -E "without load|HAProxy, CHECKIN" "$dir/err" | while read -r end line; do
  echo "== ${line%%, Propius*}"
  awk -v s="$(echo "$end - $seconds" | bc)" -v e="$end" -v hz="$hz" '
    { k = $2 " " $3; if ($1 >= s && !(k in a)) { a[k] = $4; ta[k] = $1 } if ($1 <= e) { b[k] = $4; tb[k] = $1; g[k] = $5 } }
    END { for (k in a) if ((k in b) && tb[k] > ta[k]) { d = (b[k] - a[k]) / hz * 1000 / (tb[k] - ta[k]); grp[g[k]] += d; tot += d }
      printf "   all Propius threads %.0f ms/s\n", tot
      for (x in grp) if (grp[x] >= 1) printf "   %s\t%.0f\n", x, grp[x] | "sort -t\"\t\" -k2,2 -gr" }' "$dir/samples"
done
