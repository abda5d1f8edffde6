#!/usr/bin/env bash
# redis-server's CPU per call of the batch scripts (reserve.lua, confirm.lua) at the binding peak's
# batch size, for two versions of the scripts, alternating: the A/B for a change to the scripts that
# the load generator's rates cannot resolve on a shared machine (issue 19, target 2). A throw-away
# redis-server on a free port; redis-benchmark sends EVALSHA with ITEMS items of one job (4
# connections), reserve.lua on random devices (HMGET, then HSETNX and ZADD per item, one HSET),
# confirm.lua on confirmed devices (HMGET, HGET per item); the data is flushed before every run.
# Per run: redis-server's CPU per call from /proc (its socket work included) and INFO commandstats'
# usec_per_call (the script alone, wall time). Both versions must take main's arguments (the job
# key prefix, the changing fields' names, then the items).
# Usage: bench/redis/script-cost.sh REV_A REV_B [ROUNDS] [CALLS] [ITEMS]   (git revisions, e.g. main HEAD)
#        bench/redis/script-cost.sh --reply-shapes [ROUNDS]
#   --reply-shapes: what a script's answer costs by its form, for the answer of a batch of 4 items
#   with one job's 15 values: nested arrays (as the scripts answer), one flat array, one string
#   with length-prefixed values (built by concatenation or by table.concat of the parts).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v redis-benchmark > /dev/null || { echo "needs redis-server and redis-tools (apt-get install redis-server)" >&2; exit 2; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize no \
  --loglevel warning > "$dir/redis.log" 2>&1 &
rpid=$!
trap 'kill $rpid 2>/dev/null; wait $rpid 2>/dev/null; rm -rf "$dir"' EXIT
c() { redis-cli -p "$port" "$@"; }
for _ in $(seq 1 50); do c ping > /dev/null 2>&1 && break; sleep 0.1; done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
# One run: "CPU-µs-per-call/usec_per_call" of N calls of EVALSHA with the given arguments.
run() {
  local n=$1; shift
  c config resetstat > /dev/null
  local c0 c1; c0=$(awk '{print $14 + $15}' /proc/$rpid/stat)
  redis-benchmark -p "$port" -n "$n" -c 4 -r 100000000 -q evalsha "$@" > /dev/null
  c1=$(awk '{print $14 + $15}' /proc/$rpid/stat)
  echo "$(awk -v d=$((c1 - c0)) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", d / hz * 1e6 / n}')/$(c info commandstats \
    | tr -d '\r' | awk -F'[=,]' '/^cmdstat_evalsha/ {print $6}')"
}

if [ "${1:-}" = --reply-shapes ]; then
  rounds=${2:-3}
  job="local job = {'2', '1', '8000', '1000000000', '5', '6', '0', '8000', '0.5', '0', '0', '1765000000000', '', '1765000000000', ''}"
  declare -A shapes=(
    [none]="$job return 1"
    [nested]="$job local r = {{'0', job}} for i = 1, 3 do r[#r + 1] = {'0'} end return r"
    [flat]="$job local r = {'0', '', '15'} for k = 1, #job do r[#r + 1] = job[k] end for i = 1, 3 do r[#r + 1] = '0' r[#r + 1] = '' r[#r + 1] = '0' end return r"
    [string]="$job local r = {} local function put(v) r[#r + 1] = #v .. ':' .. v end put('0') put('') put('15') for k = 1, #job do put(job[k]) end for i = 1, 3 do put('0') put('') put('0') end return table.concat(r)"
    [string-parts]="$job local r, n = {}, 0 local function put(v) r[n + 1] = #v r[n + 2] = ':' r[n + 3] = v n = n + 3 end put('0') put('') put('15') for k = 1, #job do put(job[k]) end for i = 1, 3 do put('0') put('') put('0') end return table.concat(r)"
  )
  declare -A sha
  for s in "${!shapes[@]}"; do sha[$s]=$(c script load "${shapes[$s]}"); done
  for round in $(seq 1 "$rounds"); do
    line="round $round (load $(cut -d' ' -f1 /proc/loadavg)):"
    for s in none nested flat string string-parts; do line="$line $s $(run 100000 "${sha[$s]}" 0)"; done
    echo "$line   (CPU µs per call/usec_per_call)"
  done
  exit 0
fi

a=${1:?"usage: bench/redis/script-cost.sh REV_A REV_B [ROUNDS] [CALLS] [ITEMS]"}; b=${2:?"REV_B"}
rounds=${3:-4}; calls=${4:-20000}; items=${5:-4}
scripts=verticles/src/main/resources/io/propius/server/store/redis
fields=(state round amount demand totalSched startSched filledAt attainedService score roundsCompleted roundTimeTotal
  lastHeartbeat reason timeStamp dataWork)
declare -A sha
for rev in a b; do
  r=$a; [ $rev = b ] && r=$b
  sha[reserve.$rev]=$(c script load "$(git show "$r:$scripts/reserve.lua")")
  sha[confirm.$rev]=$(c script load "$(git show "$r:$scripts/confirm.lua")")
done
setup() {
  c flushall > /dev/null
  c hset bj:1 state 2 round 1 amount 0 demand 1000000000 totalSched 5 startSched 6 filledAt 0 attainedService 0 \
    score 0.5 roundsCompleted 0 roundTimeTotal 0 lastHeartbeat 1765000000000 reason "" timeStamp 1765000000000 \
    dataWork "" version 0 > /dev/null
  for k in $(seq 1 "$items"); do c hset bj:1:bound "c$k" 0 > /dev/null; done
}
reserveItems=(); confirmItems=()
for k in $(seq 1 "$items"); do
  reserveItems+=(1 1 "d__rand_int__" 1000 2000000000000 0)
  confirmItems+=(1 1 "c$k" 1000 0)
done
declare -A figures
for round in $(seq 1 "$rounds"); do
  line="round $round (load $(cut -d' ' -f1 /proc/loadavg)):"
  # Each pair in both orders, so neither version always runs second.
  order="a b"; [ $((round % 2)) = 0 ] && order="b a"
  for kind in reserve confirm; do
    for rev in $order; do
      setup
      if [ $kind = reserve ]; then args=("${reserveItems[@]}"); else args=("${confirmItems[@]}"); fi
      f=$(run "$calls" "${sha[$kind.$rev]}" 1 bl bj: ${#fields[@]} "${fields[@]}" "${args[@]}")
      figures[$kind.$rev]+="${f%%/*} "
      line="$line $kind $rev $f"
    done
  done
  echo "$line   (CPU µs per call/usec_per_call)"
done
for kind in reserve confirm; do
  # shellcheck disable=SC2086
  echo "$kind.lua, $items items per call, redis-server CPU µs per call: A ($a) $(median ${figures[$kind.a]})," \
    "B ($b) $(median ${figures[$kind.b]}) (medians of $rounds runs; A ${figures[$kind.a]}; B ${figures[$kind.b]})"
done
