#!/usr/bin/env bash
# The CPU a Propius node burns with nothing to do (issue 16's cluster target: that fixed cost is what a
# cluster adds to every check-in). Starts, one deployment after another, each on a fresh redis-server:
#   single    one process, every role, cluster mode off (the baseline);
#   cluster1  a one-node cluster (every role);
#   cluster3  three nodes as `propius-loadgen cluster` starts them: jobs,scheduler,admin,devices + 2 × devices.
# Each gets the benchmark's jobs (4 jobs with an open round of 10,000, heartbeats once a second, no
# devices), is left to settle for SETTLE seconds (the JIT finishes), then its processes' and threads'
# utime + stime are read from /proc over WINDOW seconds. Prints ms of CPU per second per node, the
# deployment's total, its ratio to the single process, and the busiest thread groups (thread names
# from `jcmd Thread.print`, digits and the Hazelcast instance name folded: "hz.partition-operation.thread-#").
# Usage: bench/cluster/idle-cpu.sh [SETTLE] [WINDOW] [DEPLOYMENTS...]   (default 60 30 single cluster1 cluster3)
set -euo pipefail
cd "$(dirname "$0")/../.."
settle=${1:-60}; window=${2:-30}; shift $(( $# < 2 ? $# : 2 ))
deployments=("$@"); [ ${#deployments[@]} -gt 0 ] || deployments=(single cluster1 cluster3)
jar=${LOADGEN_JAR:-bench/loadgen/target/propius-loadgen.jar}
[ -f "$jar" ] || { echo "build it first: mvn -q -B -pl bench/loadgen -am package -DskipTests" >&2; exit 2; }
command -v redis-server > /dev/null || { echo "needs redis-server (apt-get install redis-server)" >&2; exit 2; }
dir=$(mktemp -d)
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done; for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done; pids=(); }
trap 'stop; rm -rf "$dir"' EXIT
hz=$(getconf CLK_TCK)
opens=(--add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ready() { curl -fs -o /dev/null "http://127.0.0.1:$1/readyz"; }

# node NAME ADMIN_PORT DEVICES_PORT JOBS_PORT [ENV=VALUE...]: a Propius JVM configured as an operator would.
node() {
  local name=$1 admin=$2 devices=$3 jobs=$4; shift 4
  env $(env | grep -o '^PROPIUS_[A-Z_]*' | sed 's/^/-u /') PROPIUS_STORE_TYPE=redis PROPIUS_STORE_REDIS_URI="redis://127.0.0.1:$redis_port" \
    PROPIUS_SECURITY_TOKEN_SECRET="$secret" PROPIUS_DEVICES_INSTANCES=1 PROPIUS_JOBS_HOST=127.0.0.1 PROPIUS_JOBS_PORT="$jobs" \
    PROPIUS_DEVICES_HOST=127.0.0.1 PROPIUS_DEVICES_PORT="$devices" PROPIUS_ADMIN_HOST=127.0.0.1 PROPIUS_ADMIN_PORT="$admin" \
    PROPIUS_DATA_PLANE_HOST=127.0.0.1 PROPIUS_DATA_PLANE_PORT="$(free_port)" "$@" \
    java -Xmx512m "${opens[@]}" -cp "$jar" io.propius.server.Main > "$dir/$name.log" 2>&1 &
  pids+=($!); node_pids+=($!); node_names+=("$name")
  local deadline=$((SECONDS + 120))
  until ready "$admin"; do
    kill -0 $! 2> /dev/null && [ $SECONDS -lt $deadline ] || { echo "$name did not get ready:" >&2; tail -20 "$dir/$name.log" >&2; exit 1; }
    sleep 0.5
  done
}

# Thread names by native id ("tid name"), once per process: jcmd's own work then falls before the window.
names() {
  jcmd "$1" Thread.print 2> /dev/null | sed -n 's/^"\([^"]*\)".* nid=\(0x[0-9a-f]*\).*/\2 \1/p' \
    | while read -r nid name; do echo "$((nid)) $name"; done > "$dir/names.$1"
}

# One line per thread: "pid tid ticks group" (utime + stime; a thread jcmd did not name keeps its 15-character comm).
threads() {
  local pid=$1
  awk -v pid="$pid" -v names="$dir/names.$pid" '
    BEGIN { while ((getline line < names) > 0) { t = line; sub(/ .*/, "", t); sub(/^[0-9]+ /, "", line); name[t] = line } }
    { tid = FILENAME; sub(/^.*task\//, "", tid); sub(/\/stat$/, "", tid)
      comm = $0; sub(/^[^(]*\(/, "", comm); sub(/\) .*$/, "", comm)
      rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " ")
      g = (tid in name) ? name[tid] : comm
      sub(/^hz\.[^.]*\./, "hz.", g); gsub(/[0-9]+/, "#", g); gsub(/ /, "_", g)
      print pid, tid, f[12] + f[13], g; nextfile }' /proc/"$pid"/task/*/stat 2> /dev/null
}

single_total=""
for deployment in "${deployments[@]}"; do
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no > /dev/null 2>&1 &
  pids+=($!)
  secret=$(head -c 32 /dev/urandom | base64)
  node_pids=(); node_names=()
  cluster="idle-$RANDOM"; seed=$(free_port)
  first_admin=$(free_port); first_devices=$(free_port); first_jobs=$(free_port)
  sleep 0.3
  case $deployment in
    single) node single "$first_admin" "$first_devices" "$first_jobs" ;;
    cluster*)
      n=${deployment#cluster}
      for ((i = 0; i < n; i++)); do
        if [ "$i" -eq 0 ]; then a=$first_admin; d=$first_devices; j=$first_jobs; port=$seed
          roles=$([ "$n" -eq 1 ] && echo "jobs,scheduler,admin,devices,data-plane" || echo "jobs,scheduler,admin,devices")
        else a=$(free_port); d=$(free_port); j=$(free_port); port=$(free_port); roles=devices; fi
        node "node$i" "$a" "$d" "$j" PROPIUS_CLUSTER_ENABLED=true PROPIUS_CLUSTER_HOST=127.0.0.1 PROPIUS_CLUSTER_PORT="$port" \
          PROPIUS_CLUSTER_MEMBERS="127.0.0.1:$seed" PROPIUS_CLUSTER_NAME="$cluster" PROPIUS_NODE_ROLES="$roles"
      done ;;
    *) echo "unknown deployment $deployment (single, cluster1, cluster3, ...)" >&2; exit 2 ;;
  esac
  java -cp "$jar" io.propius.bench.loadgen.LoadGenCli hold-jobs --server-devices "127.0.0.1:$first_devices" \
    --server-jobs "127.0.0.1:$first_jobs" --sample-out "$dir/sample" > "$dir/hold.log" 2>&1 &
  pids+=($!)
  sleep "$settle"
  [ -f "$dir/sample" ] || { echo "$deployment: the jobs' rounds never reached the devices:" >&2; cat "$dir/hold.log" >&2; exit 1; }
  for p in "${node_pids[@]}"; do names "$p"; done
  : > "$dir/before"; for p in "${node_pids[@]}"; do threads "$p" >> "$dir/before"; done
  t0=$(date +%s.%N); sleep "$window"
  : > "$dir/after"; for p in "${node_pids[@]}"; do threads "$p" >> "$dir/after"; done
  t1=$(date +%s.%N)
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  printf '%s\n' "${node_names[@]}" > "$dir/names"
  awk -v hz="$hz" -v s="$(echo "$t1 - $t0" | bc)" -v dep="$deployment" -v load="$load" -v base="$single_total" \
      -v names="$dir/names" -v pidlist="${node_pids[*]}" '
    function kind(g) {
      if (g ~ /^hz\./) return "hazelcast"; if (g ~ /CompilerThread/) return "jit"
      if (g ~ /^(GC_|G#_|VM_Thread)/) return "gc+vm"; if (g ~ /^vert\.x-eventloop/) return "event-loops"
      if (g ~ /^vert\.x-(worker|internal-blocking)/) return "workers"; return "other" }
    BEGIN { n = split(pidlist, p, " "); i = 0; while ((getline line < names) > 0) label[p[++i]] = line
            nk = split("event-loops workers hazelcast jit gc+vm other", kinds, " ") }
    FNR == NR { before[$1 " " $2] = $3; next }
    { key = $1 " " $2; d = $3 - ((key in before) ? before[key] : 0); ms = d / hz * 1000 / s
      node[$1] += ms; total += ms; group[$4] += ms; byKind[$1 " " kind($4)] += ms; kindTotal[kind($4)] += ms }
    END {
      printf "%s (%d node%s, %.0f s window, load %s): %.1f ms/s", dep, n, (n > 1 ? "s" : ""), s, load, total
      if (base != "") printf " = %.2f× the single process", total / base
      printf "\n  %-8s %7s", "node", "ms/s"; for (k = 1; k <= nk; k++) printf " %11s", kinds[k]; printf "\n"
      for (j = 1; j <= n; j++) { printf "  %-8s %7.1f", label[p[j]], node[p[j]]
        for (k = 1; k <= nk; k++) printf " %11.1f", byKind[p[j] " " kinds[k]]; printf "\n" }
      printf "  %-8s %7.1f", "all", total; for (k = 1; k <= nk; k++) printf " %11.1f", kindTotal[kinds[k]]; printf "\n"
      cmd = "sort -t\"\t\" -k2,2 -gr | head -12"
      for (g in group) if (group[g] >= 0.05) printf "    %s\t%.1f\n", g, group[g] | cmd
      close(cmd)
    }' "$dir/before" "$dir/after" | tee "$dir/out"
  [ "$deployment" = single ] && single_total=$(sed -n '1s/.*: \([0-9.]*\) ms\/s.*/\1/p' "$dir/out")
  stop
done
