#!/usr/bin/env bash
# Where a check-in's time goes: the server jar under wrk (1 thread, 64 connections, a new device id
# per request) with JFR sampling every millisecond, then the inclusive share of each step in the
# event-loop samples (bench/checkin/shares.py). Jobs with an open round come from
# `propius-loadgen hold-jobs`, so every check-in carries signed offers.
# Usage: bench/checkin/profile.sh [SECONDS] [OUT.jfr]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}; out=${2:-$(mktemp -d)/checkin.jfr}
dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$dir"' EXIT
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
sed 's|<setting name="period" control="method-sampling-java-interval">[^<]*<|<setting name="period" control="method-sampling-java-interval">1 ms<|' \
  "$java_home/lib/jfr/profile.jfc" > "$dir/sampling.jfc"
base=$((20000 + RANDOM % 20000))
warmup=15
PROPIUS_DEVICES_PORT=$base PROPIUS_JOBS_PORT=$((base + 1)) PROPIUS_ADMIN_PORT=$((base + 2)) \
  PROPIUS_DATA_PLANE_PORT=$((base + 3)) PROPIUS_DEVICES_HOST=127.0.0.1 PROPIUS_STORE_TYPE=memory \
  java -Xmx1g -XX:StartFlightRecording=delay=$((warmup + 10))s,duration=${seconds}s,filename=$out,settings=$dir/sampling.jfc \
  -jar verticles/target/propius.jar > "$dir/server.log" 2>&1 &
server=$!; pids+=("$server")
for _ in $(seq 1 600); do grep -q "Propius is up" "$dir/server.log" && break; sleep 0.1; done
java -jar bench/loadgen/target/propius-loadgen.jar hold-jobs --server-devices 127.0.0.1:$base \
  --server-jobs 127.0.0.1:$((base + 1)) --sample-out "$dir/body.json" > "$dir/jobs.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do grep -q "open;" "$dir/jobs.log" && break; sleep 0.1; done
# Runs past the recording's end (it starts once JIT and connections have settled).
wrk -t1 -c64 -d$((warmup + seconds + 5))s -s bench/tls/checkin.lua "http://127.0.0.1:$base/v1/checkin" | grep "Requests/sec"
for _ in $(seq 1 100); do [ -s "$out" ] && break; sleep 0.2; done
echo "recording: $out"
jfr print --stack-depth 128 --events jdk.ExecutionSample "$out" | python3 bench/checkin/shares.py
