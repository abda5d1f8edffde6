# Sourced by bench/redis/binding-{breakdown,profile,closed-cpu}.sh: the embedded load generator's
# binding peak (64 in flight), run once on a store, and what each of those commands reads around it.
# After `peak_init STORE SECONDS`: $store, $seconds, $jar, $dir (removed at exit), $hz.

peak_init() {
  store=${1:-redis}; seconds=${2:-10}
  jar=${LOADGEN_JAR:-bench/loadgen/target/propius-loadgen.jar}
  [ -f "$jar" ] || { echo "build it first: mvn -q -B -pl bench/loadgen -am package -DskipTests" >&2; exit 2; }
  dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
  hz=$(getconf CLK_TCK)
}

# Starts the peak in the background, with any JVM options given; sets $pid. Its table goes to
# $dir/out.md, its progress (a "closed(" line once the peak is measured) to $dir/err.log.
peak_start() {
  java "$@" -jar "$jar" run --ops binding --duration "$seconds" --warmup 3 --repeat 1 --store "$store" \
    > "$dir/out.md" 2> "$dir/err.log" &
  pid=$!
}

# With Redis, sets $redisPid and $redisPort once the load generator has started its redis-server.
peak_find_redis() {
  if [ "$store" = redis ] && [ -z "${redisPid:-}" ]; then
    redisPid=$(pgrep -P $pid redis-server | head -1 || true)
    [ -n "$redisPid" ] && redisPort=$(tr '\0' ' ' < /proc/$redisPid/cmdline | grep -o ':[0-9]*' | head -1 | tr -d :)
  fi
  return 0
}

# Bindings per second of the closed-loop peak, from the finished run's table.
peak_ops() {
  awk -F'|' '$2 ~ /binding/ && $3 ~ /closed/ {gsub(/ /, "", $4); print $4}' "$dir/out.md"
}
