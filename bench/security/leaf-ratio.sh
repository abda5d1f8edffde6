#!/usr/bin/env bash
# The leaf's CPU per upload with the JWS task-token check against the same upload with the old HMAC
# check (target <= 1.05x). The old format is no longer in the server, so the two are not run side by
# side: dataplane-bench measures a real journaled leaf (an EdgeMain process, its CPU from the OS) with
# the JWS check, and security-bench measures, in one thread, the JWS verification and the old format's
# verification (copied from 97475b9); the old leaf's upload is the measured one less that difference.
# Usage: bench/security/leaf-ratio.sh [REPEATS] [SECONDS] [CONCURRENCY] [TOKEN_OPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-3}; seconds=${2:-10}; concurrency=${3:-16}; ops=${4:-1000000}
for jar in bench/dataplane/target/dataplane-bench.jar bench/security/target/security-bench.jar; do
  [ -f "$jar" ] || { echo "build it first: mvn -o -q package -DskipTests -pl bench/dataplane,bench/security -am" >&2; exit 2; }
done
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
out=$(java -jar bench/dataplane/target/dataplane-bench.jar --sizes-mb none --uploads journaled --seconds "$seconds" \
  --warmup-seconds "$seconds" --repeats "$repeats" --upload-concurrency "$concurrency")
echo "$out" | grep "journaled leaf"
leaf=$(echo "$out" | grep -o 'CPU each: leaf [0-9.]*' | head -1 | awk '{print $4}')
[ -n "$leaf" ] || { echo "dataplane-bench printed no leaf CPU per upload:" >&2; echo "$out" >&2; exit 1; }
java -jar bench/security/target/security-bench.jar --ops "$ops" --repeats "$repeats" --leaf-upload-cpu-us "$leaf"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
