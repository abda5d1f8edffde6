#!/usr/bin/env bash
# Check-in CPU per request with both rate limits on (per device id and per address, high enough to
# refuse nothing) vs off: the server process's CPU time from /proc over the requests wrk got served.
# Prints the ratio "limited/plain" (target <= 1.10x). Same arguments as bench/tls/run.sh.
# Usage: bench/security/ratelimit.sh [REPEATS] [SECONDS] [CONNECTIONS] [WARMUP]
exec "$(dirname "$0")/../tls/run.sh" "${1:-3}" "${2:-15}" "${3:-64}" "${4:-60}" "plain limited"
