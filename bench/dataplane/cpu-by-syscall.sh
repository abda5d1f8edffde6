#!/usr/bin/env bash
# Where an edge node's and the discard sink's CPU goes per upload (issue 19, targets 4 and 5),
# split by thread and by system call, from one run of the issue's command at one tensor size (30 KB
# by default) with `perf` attached to each server during its own measured phase. Both answer the same uploads from the same load
# generator, so what they share (the socket's send, receive and epoll) shows as equal and the rest is
# what the leaf adds: its Java work, the journal, GC.
# Needs `perf` (Debian: linux-perf) and permission to record another process (root, or
# kernel.perf_event_paranoid <= 1). Prints, per server, the share of its samples in each category;
# multiply by that server's "CPU each" in the benchmark's row for µs per upload (or per MB). With "unjournaled",
# the node is the bench's floor: a node without journal (and without a parent to push to).
# Usage: bench/dataplane/cpu-by-syscall.sh [journaled|unjournaled (default journaled)] [SECONDS_MEASURED (default 30)]
#   [FLOAT32_VALUES (default 7850, 30 KB; 262144 is 1 MB)]
set -euo pipefail
cd "$(dirname "$0")/../.."
uploads=${1:-journaled}
seconds=${2:-30}
values=${3:-7850}
case "$uploads" in
  journaled) node='EdgeMain.*--role leaf' ;;
  unjournaled) node='EdgeMain.*--role root' ;;
  *) echo "journaled or unjournaled, not $uploads" >&2; exit 2 ;;
esac
jar=bench/dataplane/target/dataplane-bench.jar
[ -f "$jar" ] || { echo "build it first: mvn -B -q install -DskipTests" >&2; exit 2; }
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

java -jar "$jar" --sizes-mb none --uploads "$uploads" --tensor "$values" --upload-concurrency 16 --seconds "$seconds" --warmup-seconds 5 \
  --repeats 1 > "$work/bench.log" 2>&1 &
bench=$!

# CPU ticks a process used over the next second.
ticks_per_second() {
  local a b
  a=$(awk '{print $14 + $15}' "/proc/$1/stat"); sleep 1; b=$(awk '{print $14 + $15}' "/proc/$1/stat")
  echo $((b - a))
}

# The bench warms each server up (about 10 s busy, JIT included) before it measures the node and
# then the sink: a server is recorded once it has been busy for longer than its warm-up.
for who in node sink; do
  pattern=$node; need=20
  [ "$who" = sink ] && { pattern='dataplane\.DiscardSink'; need=12; }
  pid=
  while [ -z "$pid" ]; do
    kill -0 "$bench" 2>/dev/null || { cat "$work/bench.log" >&2; exit 1; }
    sleep 1; pid=$(pgrep -f "$pattern" | head -1 || true)
  done
  busy=0
  while [ "$busy" -lt "$need" ]; do
    if [ "$(ticks_per_second "$pid")" -gt 30 ]; then busy=$((busy + 1)); else busy=0; fi
  done
  perf record -q -F 999 -g -p "$pid" -o "$work/$who.data" -- sleep 10 >/dev/null 2>&1
done
wait "$bench"
grep " $values float32 (.*), 16 concurrent" "$work/bench.log" || { cat "$work/bench.log" >&2; exit 1; }

for who in node sink; do
  echo
  echo "$([ "$who" = node ] && echo "$uploads node" || echo sink): share of its samples by thread and category"
  # A sample is charged to the first category its stack passes through (system calls first), else
  # to where its top frame is: JIT-compiled Java, the JVM itself (GC, runtime) or other code.
  perf script -i "$work/$who.data" 2>/dev/null | awk '
    function flush(  cat, grp) {
      if (thread == "") return
      cat = ""
      if (stack ~ /__sys_sendto/) cat = "send (sendto)"
      else if (stack ~ /ksys_write/) cat = "write (journal files)"
      else if (stack ~ /__sys_recvfrom/) cat = "receive (recvfrom)"
      else if (stack ~ /futex/) cat = "futex (wake, wait)"
      else if (stack ~ /epoll/) cat = "epoll_wait"
      else if (stack ~ /__x64_sys_close/) cat = "close (old journal files)"
      else if (stack ~ /asm_exc_page_fault/) cat = "page faults"
      else if (stack ~ /exit_to_user_mode/) cat = "return to user space"
      else if (stack ~ /do_syscall_64/) cat = "other system calls"
      else if (stack ~ /kernel.kallsyms/) cat = "other kernel (interrupts)"
      else if (top ~ /perf-[0-9]+\.map/) cat = "Java (JIT-compiled)"
      else if (top ~ /libjvm/) cat = "JVM (GC, runtime)"
      else cat = "other user code"
      grp = "other"
      if (thread ~ /^vert\.x-eventloo/) grp = "event loop"
      else if (thread ~ /^propius-journa/) grp = "journal writer"
      else if (thread ~ /^(GC|G1)/) grp = "GC threads"
      else if (thread ~ /Compiler/) grp = "JIT compilers"
      count[grp " | " cat]++; total++
      thread = ""
    }
    /^[^ \t]/ { flush(); thread = $0; stack = ""; top = ""; next }
    /^$/ { flush(); next }
    { if (top == "") top = $0; stack = stack "\n" $0 }
    END {
      flush()
      for (k in count) if (count[k] / total >= 0.004) printf "%5.1f %%  %s\n", 100 * count[k] / total, k
    }' | sort -rn
done
