#!/usr/bin/env bash
# CPU time per reservation and per confirmation of the Redis job store (the bench JVM's and
# redis-server's, from /proc), for two builds measured alternately: the A/B measure for changes to
# the store's hot path (issue 19, target 2), which a busy machine moves far less than rates.
# Each run is `store-bench.jar --devices DEVICES --repeats 1` (a warm-up run of each store, then
# one measured run of each); the medians over ROUNDS runs of each build are printed.
# Usage: bench/redis/store-cpu.sh BASELINE_JAR [ROUNDS] [DEVICES]
#   BASELINE_JAR: a store-bench.jar built from the baseline commit, e.g.
#     git worktree add /tmp/base main && (cd /tmp/base && mvn -q -B -pl bench/store -am package -DskipTests)
#     bench/redis/store-cpu.sh /tmp/base/bench/store/target/store-bench.jar 3
#   The build measured is bench/store/target/store-bench.jar (STORE_BENCH_JAR to name another).
set -euo pipefail
cd "$(dirname "$0")/../.."
baseline=${1:?"usage: bench/redis/store-cpu.sh BASELINE_JAR [ROUNDS] [DEVICES]"}; rounds=${2:-3}; devices=${3:-20000}
current=${STORE_BENCH_JAR:-bench/store/target/store-bench.jar}
for jar in "$baseline" "$current"; do
  [ -f "$jar" ] || { echo "missing $jar (build: mvn -q -B -pl bench/store -am package -DskipTests)" >&2; exit 2; }
done
out=$(mktemp); trap 'rm -f "$out"' EXIT
declare -A figures
for round in $(seq 1 "$rounds"); do
  for build in baseline current; do
    jar=$baseline; [ $build = current ] && jar=$current
    java -jar "$jar" --devices "$devices" --concurrency 64 --repeats 1 > "$out" 2>&1 \
      || { echo "the $build run failed:" >&2; grep -v '^\s*at ' "$out" | tail -5 >&2; exit 1; }
    # The measured Redis run is the last "redis" line (the first is the warm-up).
    line=$(grep -E '^redis +accept path' "$out" | tail -1)
    echo "round $round, $build (load $(cut -d' ' -f1-3 /proc/loadavg)): ${line#redis  }"
    # -> "reserve_jvm reserve_redis confirm_jvm confirm_redis" (an old build prints no confirm figures: -)
    figures[$build]+="$(echo "$line" | awk '{
      n = 0; for (i = 1; i <= NF; i++) if ($i == "JVM" || $i == "redis-server") { v = $(i + 1); sub(/,$/, "", v); f[n++] = v }
      printf "%s %s %s %s;", f[0], f[1], (n > 2 ? f[2] : "-"), (n > 3 ? f[3] : "-") }')"
  done
done
median() { printf '%s\n' "$@" | grep -v '^-$' | sort -g | awk '{v[NR] = $1} END {print (NR ? v[int((NR + 1) / 2)] : "-")}'; }
for build in baseline current; do
  IFS=';' read -ra runs <<< "${figures[$build]}"
  col() { for r in "${runs[@]}"; do echo "$r" | awk -v c="$1" '{print $c}'; done; }
  # shellcheck disable=SC2046
  echo "$build: CPU µs per reservation: JVM $(median $(col 1)), redis-server $(median $(col 2));" \
    "per confirmation: JVM $(median $(col 3)), redis-server $(median $(col 4)) (medians of $rounds runs)"
done
