#!/usr/bin/env bash
# Check-in throughput and latency, plaintext vs TLS, at the same concurrency with keep-alive.
# Two servers from the same jar (one with tls.selfSigned), idle while the other is measured; wrk
# alternates between them, REPEATS times each, after WARMUP seconds of the same load (the JVM's TLS
# path needs tens of seconds of JIT before it runs at speed).
# Usage: bench/tls/run.sh [REPEATS] [SECONDS] [CONNECTIONS] [WARMUP]
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-3}; seconds=${2:-15}; connections=${3:-64}; warmup=${4:-30}
jar=verticles/target/propius.jar
[ -f "$jar" ] || { echo "build it first: mvn -o -q package -DskipTests -pl verticles -am" >&2; exit 2; }
dir=$(mktemp -d)
start() { # name, port base, extra env...
  local name=$1 base=$2; shift 2
  env PROPIUS_DEVICES_PORT=$base PROPIUS_JOBS_PORT=$((base + 1)) PROPIUS_ADMIN_PORT=$((base + 2)) \
    PROPIUS_DATA_PLANE_PORT=$((base + 3)) PROPIUS_DEVICES_HOST=127.0.0.1 "$@" \
    java -Xmx1g -jar "$jar" > "$dir/$name.log" 2>&1 &
  echo $!
}
plain=$(start plain 18080)
tls=$(start tls 19080 PROPIUS_TLS_SELF_SIGNED=true)
trap 'kill $plain $tls 2>/dev/null; rm -rf "$dir"' EXIT
for port in 18080 19080; do
  for _ in $(seq 1 60); do grep -q "Propius is up" "$dir"/*.log 2>/dev/null && [ "$(grep -l 'Propius is up' "$dir"/*.log | wc -l)" = 2 ] && break; sleep 1; done
done
grep -h "fingerprint" "$dir/tls.log" || true
for i in $(seq 1 "$repeats"); do
  for mode in plain tls; do
    if [ "$mode" = plain ]; then url=http://127.0.0.1:18080/v1/checkin; else url=https://127.0.0.1:19080/v1/checkin; fi # wrk does not verify certificates
    wrk -t2 -c"$connections" -d"${warmup}s" -s bench/tls/checkin.lua "$url" > /dev/null
    out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/tls/checkin.lua "$url")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $4}')
    errors=$(echo "$out" | awk -F"Socket errors: " 'NF > 1 {print $2}')
    echo "run $i $mode: ${rps} req/s, p99 ${p99}, non-2xx ${non2xx:-0}${errors:+, socket errors: $errors}"
  done
done
