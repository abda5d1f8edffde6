#!/usr/bin/env bash
# Check-in throughput, p99 and server CPU per request: plaintext vs TLS with the OpenSSL engine vs TLS
# with the JDK's engine, at the same concurrency with keep-alive. One server per mode from the same jar
# (the TLS ones with tls.selfSigned), idle while another is measured. Each server first gets WARMUP
# seconds of the same load (the JIT: on a loaded machine the TLS paths need a minute or more before they
# run at speed, and a cold run measures the compiler, not TLS); then wrk alternates between them,
# REPEATS times each, SECONDS per run after 3 s of load to reopen its connections. CPU per request is the server
# process's user+system time (/proc/PID/stat) over the measured run divided by the requests served.
# Prints the median of each mode and the ratios TLS / plaintext.
# Usage: bench/tls/run.sh [REPEATS] [SECONDS] [CONNECTIONS] [WARMUP] [MODES]
#   MODES: any of "plain openssl jdk limited" (default: the first three); limited is plaintext with both
#   check-in rate limits on, high enough to refuse nothing (bench/security/ratelimit.sh). CI smoke (about 25 s): bench/tls/run.sh 1 2 16 1
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-3}; seconds=${2:-15}; connections=${3:-64}; warmup=${4:-30}; modes=${5:-plain openssl jdk}
jar=verticles/target/propius.jar
[ -f "$jar" ] || { echo "build it first: mvn -o -q package -DskipTests -pl verticles -am" >&2; exit 2; }
command -v wrk > /dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
dir=$(mktemp -d)
declare -A pid port
pids=()
trap 'kill ${pids[*]} 2>/dev/null; rm -rf "$dir"' EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
for mode in $modes; do
  extra=()
  case $mode in
    plain) ;;
    openssl|jdk) extra=(PROPIUS_TLS_SELF_SIGNED=true PROPIUS_TLS_ENGINE=$mode) ;;
    limited) extra=(PROPIUS_DEVICES_RATE_LIMIT_PER_DEVICE_PER_SECOND=1000 PROPIUS_DEVICES_RATE_LIMIT_PER_DEVICE_BURST=1000
      PROPIUS_DEVICES_RATE_LIMIT_PER_ADDRESS_PER_SECOND=1000000000 PROPIUS_DEVICES_RATE_LIMIT_PER_ADDRESS_BURST=1000000000) ;;
    *) echo "unknown mode $mode (plain, openssl, jdk, limited)" >&2; exit 2 ;;
  esac
  port[$mode]=$(free_port)
  env PROPIUS_DEVICES_PORT=${port[$mode]} PROPIUS_JOBS_PORT=0 PROPIUS_ADMIN_PORT=0 PROPIUS_DATA_PLANE_PORT=0 \
    PROPIUS_DEVICES_HOST=127.0.0.1 "${extra[@]}" \
    java -Xmx1g ${JAVA_OPTS:-} -jar "$jar" > "$dir/$mode.log" 2>&1 &
  pid[$mode]=$!; pids+=($!)
done
for mode in $modes; do
  for _ in $(seq 1 120); do grep -q "Propius is up" "$dir/$mode.log" && break; sleep 0.5; done
  grep -q "Propius is up" "$dir/$mode.log" || { echo "$mode server did not start:" >&2; cat "$dir/$mode.log" >&2; exit 1; }
  grep -h "TLS engine" "$dir/$mode.log" | sed "s/^/$mode: /" || true
done
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
url() { local scheme=http; case $1 in openssl|jdk) scheme=https ;; esac; echo "$scheme://127.0.0.1:${port[$1]}/v1/checkin"; }
for mode in $modes; do # wrk does not verify certificates
  wrk -t2 -c"$connections" -d"${warmup}s" -s bench/tls/checkin.lua "$(url "$mode")" > /dev/null
done
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$repeats"); do
  for mode in $modes; do
    url=$(url "$mode")
    wrk -t2 -c"$connections" -d3s -s bench/tls/checkin.lua "$url" > /dev/null
    before=$(cpu_ticks "${pid[$mode]}")
    out=$(/usr/bin/time -f "%U %S" -o "$dir/wrk.cpu" wrk -t2 -c"$connections" -d"${seconds}s" --latency \
      -s bench/tls/checkin.lua "$url")
    after=$(cpu_ticks "${pid[$mode]}")
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $4}')
    errors=$(echo "$out" | awk -F"Socket errors: " 'NF > 1 {print $2}')
    cpu_us=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$requests" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
    wrk_us=$(awk -v n="$requests" '{printf "%.1f", ($1 + $2) * 1e6 / n}' "$dir/wrk.cpu")
    echo "run $i $mode: ${rps} req/s, p99 ${p99}, ${cpu_us} us server CPU/request, ${wrk_us} us wrk CPU/request," \
      "non-2xx ${non2xx:-0}${errors:+, socket errors: $errors}"
    echo "$mode $rps $cpu_us $wrk_us" >> "$dir/results"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
for mode in $modes; do
  m_rps=$(awk -v m="$mode" '$1 == m {print $2}' "$dir/results" | median)
  m_cpu=$(awk -v m="$mode" '$1 == m {print $3}' "$dir/results" | median)
  m_wrk=$(awk -v m="$mode" '$1 == m {print $4}' "$dir/results" | median)
  echo "median $mode: $m_rps req/s, $m_cpu us server CPU/request, $m_wrk us wrk CPU/request"
  echo "$mode $m_rps $m_cpu $m_wrk" >> "$dir/medians"
done
if grep -q '^plain ' "$dir/medians"; then
  # On a machine whose cores the server and wrk share, throughput follows their CPU per request together.
  awk '$1 == "plain" {r = $2; c = $3; w = $4} $1 != "plain" {m[$1] = $2; k[$1] = $3; x[$1] = $4}
       END {for (e in m) printf "ratio %s/plain: throughput %.2fx, server CPU per request %.2fx, server + wrk CPU per" \
         " request %.2fx\n", e, m[e] / r, k[e] / c, (k[e] + x[e]) / (c + w)}' \
    "$dir/medians"
fi
