#!/usr/bin/env bash
# A Propius cluster on this machine: a redis-server with AOF persistence, three Propius nodes
#   node1: scheduler,jobs,data-plane,admin
#   node2, node3: devices,jobs,scheduler
# and HAProxy in front (deploy/haproxy/haproxy.cfg). Prints the addresses; Ctrl-C stops all of it.
# Needs java 17, redis-server and haproxy; builds verticles/target/propius.jar if it is missing.
# Settings: PROPIUS_JAR (the jar), STATE_DIR (Redis data and logs; default a new temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in java redis-server haproxy; do
  command -v "$tool" >/dev/null 2>&1 || { echo "local-cluster: $tool is not installed (apt-get install $tool)" >&2; exit 1; }
done
jar=${PROPIUS_JAR:-verticles/target/propius.jar}
if [ ! -f "$jar" ]; then
  echo "building $jar ..."
  mvn -q -B -pl verticles -am -DskipTests package
fi
state=${STATE_DIR:-$(mktemp -d -t propius-cluster-XXXXXX)}
mkdir -p "$state"

taken=" "
# Sets variable $1 to the first port from $2 up that nothing listens on and that is not handed out yet
# (no command substitution: the list of handed-out ports must survive the call).
free_port() {
  local port=$2
  while [[ "$taken" == *" $port "* ]] || (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
  done
  taken+="$port "
  printf -v "$1" '%s' "$port"
}

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "stopping ..."
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped; data and logs are in $state"
}
trap stop_all INT TERM EXIT

free_port redis_port 6379
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$state" --appendonly yes --appendfsync everysec \
  --save "" --daemonize no --loglevel warning >"$state/redis.log" 2>&1 &
pids+=($!)

secret=$(head -c 32 /dev/urandom | base64)
cluster_name="propius-local-$$"
free_port seed_port 5701
declare -A node_pid=()
declare -A roles=([1]="scheduler,jobs,data-plane,admin" [2]="devices,jobs,scheduler" [3]="devices,jobs,scheduler")
free_port data_plane_port 8090
for n in 1 2 3; do
  printf -v "NODE${n}_HOST" '%s' 127.0.0.1
  if [ "$n" = 1 ]; then NODE1_CLUSTER_PORT=$seed_port; else free_port "NODE${n}_CLUSTER_PORT" 5702; fi
  free_port "NODE${n}_JOBS_PORT" 7071
  free_port "NODE${n}_DEVICES_PORT" 8081
  free_port "NODE${n}_ADMIN_PORT" 9400
done
free_port LB_DEVICES_PORT 8080
free_port LB_JOBS_PORT 7070

start_node() {
  local n=$1 cluster_port jobs_port devices_port admin_port
  cluster_port=NODE${n}_CLUSTER_PORT; jobs_port=NODE${n}_JOBS_PORT
  devices_port=NODE${n}_DEVICES_PORT; admin_port=NODE${n}_ADMIN_PORT
  env PROPIUS_CLUSTER_ENABLED=true PROPIUS_CLUSTER_HOST=127.0.0.1 PROPIUS_CLUSTER_PORT="${!cluster_port}" \
    PROPIUS_CLUSTER_MEMBERS="127.0.0.1:$seed_port" PROPIUS_CLUSTER_NAME="$cluster_name" \
    PROPIUS_NODE_ROLES="${roles[$n]}" PROPIUS_STORE_TYPE=redis PROPIUS_STORE_REDIS_URI="redis://127.0.0.1:$redis_port" \
    PROPIUS_SECURITY_TOKEN_SECRET="$secret" \
    PROPIUS_JOBS_HOST=127.0.0.1 PROPIUS_JOBS_PORT="${!jobs_port}" \
    PROPIUS_DEVICES_HOST=127.0.0.1 PROPIUS_DEVICES_PORT="${!devices_port}" \
    PROPIUS_ADMIN_HOST=127.0.0.1 PROPIUS_ADMIN_PORT="${!admin_port}" \
    PROPIUS_DATA_PLANE_HOST=127.0.0.1 PROPIUS_DATA_PLANE_PORT="$data_plane_port" \
    PROPIUS_DEVICES_DATA_PLANE_URL="http://127.0.0.1:$data_plane_port" \
    java -Xmx512m -jar "$jar" >"$state/node$n.log" 2>&1 &
  pids+=($!)
  node_pid[$n]=$!
}

await_up() {
  local n=$1
  for _ in $(seq 1 600); do
    if grep -q "Propius is up" "$state/node$n.log"; then return 0; fi
    if ! kill -0 "${node_pid[$n]}" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "node$n did not start:" >&2; cat "$state/node$n.log" >&2; exit 1
}

start_node 1; await_up 1   # the seed first: the others join it
start_node 2; start_node 3; await_up 2; await_up 3

export LB_HOST=127.0.0.1 LB_DEVICES_PORT LB_JOBS_PORT
export NODE1_HOST NODE2_HOST NODE3_HOST NODE1_JOBS_PORT NODE2_JOBS_PORT NODE3_JOBS_PORT \
  NODE1_ADMIN_PORT NODE2_ADMIN_PORT NODE3_ADMIN_PORT NODE2_DEVICES_PORT NODE3_DEVICES_PORT
haproxy -db -f deploy/haproxy/haproxy.cfg >"$state/haproxy.log" 2>&1 &
pids+=($!)
sleep 1
kill -0 "${pids[-1]}" 2>/dev/null || { echo "haproxy did not start:" >&2; cat "$state/haproxy.log" >&2; exit 1; }

cat <<INFO
Propius cluster '$cluster_name' is up (logs and Redis data in $state)
  devices (HTTP, HAProxy):          http://127.0.0.1:$LB_DEVICES_PORT
  jobs (gRPC h2c + WebSocket, HAProxy): 127.0.0.1:$LB_JOBS_PORT
  data plane (root edge node):      http://127.0.0.1:$data_plane_port
  admin API (node1):                http://127.0.0.1:$NODE1_ADMIN_PORT/v1/admin/cluster
  Redis (AOF):                      redis://127.0.0.1:$redis_port
  node1 ${roles[1]}: jobs :$NODE1_JOBS_PORT, /metrics :$NODE1_ADMIN_PORT
  node2 ${roles[2]}: jobs :$NODE2_JOBS_PORT, devices :$NODE2_DEVICES_PORT, /metrics :$NODE2_ADMIN_PORT
  node3 ${roles[3]}: jobs :$NODE3_JOBS_PORT, devices :$NODE3_DEVICES_PORT, /metrics :$NODE3_ADMIN_PORT
Ctrl-C stops everything.
INFO
wait
