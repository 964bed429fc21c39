#!/usr/bin/env bash
# Replicas behind a load balancer: one PostgreSQL database with the demo
# data, 1 and then 3 `aiccd serve` replicas on it behind HAProxy, wrk at 32
# connections through HAProxy on three read endpoints, and for each run the
# requests per second and the CPU each request cost PostgreSQL's backends,
# the replicas and HAProxy. The net/http ceiling is measured in the same
# run, directly and through the same HAProxy. Writes
# bench/out/replicas.md. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

COUNTS=${COUNTS:-1 3}
DBNAME=aiccd_replicas
LB_PORT=18180         # HAProxy in front of the replicas
LB_CEILING_PORT=18189 # HAProxy in front of the ceiling
FIRST_PORT=18181      # replicas listen on 18181, 18182, ...
CEILING_PORT=18190

die() { echo "bench/replicas.sh: $*" >&2; exit 1; }
mkdir -p "$OUT"
max=0; for n in $COUNTS; do [ "$n" -gt "$max" ] && max=$n; done
for port in $LB_PORT $LB_CEILING_PORT $CEILING_PORT $(seq "$FIRST_PORT" $((FIRST_PORT + max - 1))); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is in use; stop what listens there (a previous run?)"
  fi
done

say "tools"
for tool in wrk haproxy; do
  command -v "$tool" >/dev/null && continue
  [ "$(id -u)" = 0 ] || die "$tool is missing: sudo apt-get install -y $tool"
  apt-get install -y "$tool" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$tool" >/dev/null; }
done
# AICCD=PATH measures another build (an earlier commit's, for a before and
# after) instead of this tree's.
COMMAND="bash bench/replicas.sh"
[ -n "${AICCD:-}" ] && COMMAND="AICCD=$AICCD $COMMAND"
if [ -z "${AICCD:-}" ]; then
  go build -o "$OUT/aiccd" ./cmd/aiccd
  AICCD="$OUT/aiccd"
fi
[ -x "$AICCD" ] || die "AICCD=$AICCD is not an executable"
go build -o "$OUT/ceiling" ./bench/ceiling
go build -o "$OUT/sign" ./bench/sign
TICK=$(getconf CLK_TCK)

TMP=$(mktemp -d)
LUA_DIR=$TMP
REPLICA_PIDS=()
LB_PID=
CEIL_PID=
stop_replicas() {
  local pid
  for pid in "${REPLICA_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${REPLICA_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  REPLICA_PIDS=()
}
stop_lb() { [ -n "$LB_PID" ] && { kill "$LB_PID" 2>/dev/null || true; wait "$LB_PID" 2>/dev/null || true; }; LB_PID=; }
cleanup() {
  stop_lb
  stop_replicas
  [ -n "$CEIL_PID" ] && { kill "$CEIL_PID" 2>/dev/null || true; wait "$CEIL_PID" 2>/dev/null || true; }
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

wait_ready() { # wait_ready URL PID LOG
  for _ in $(seq 1 3000); do
    curl -sf "$1" >/dev/null 2>&1 && return
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; die "$3: the process ended"; }
    sleep 0.01
  done
  die "$1 did not become ready"
}

say "PostgreSQL: a fresh $DBNAME with the demo data"
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" -c "CREATE DATABASE $DBNAME" >/dev/null
DB="${PG_ADMIN/\/postgres\?/\/$DBNAME?}"
"$AICCD" serve --addr "127.0.0.1:$FIRST_PORT" --database "$DB" --demo >"$TMP/seed.log" 2>&1 &
REPLICA_PIDS=($!)
wait_ready "http://127.0.0.1:$FIRST_PORT/readyz" "${REPLICA_PIDS[0]}" "$TMP/seed.log"
stop_replicas
psql "$DB" -qc 'VACUUM ANALYZE' >&2

start_replicas() { # start_replicas N: N replicas of aiccd serve on the database
  local i port
  for i in $(seq 1 "$1"); do
    port=$((FIRST_PORT + i - 1))
    "$AICCD" serve --addr "127.0.0.1:$port" --database "$DB" --node-id "$i" >"$TMP/replica$i.log" 2>&1 &
    REPLICA_PIDS+=($!)
  done
  for i in $(seq 1 "$1"); do
    wait_ready "http://127.0.0.1:$((FIRST_PORT + i - 1))/readyz" "${REPLICA_PIDS[$((i - 1))]}" "$TMP/replica$i.log"
  done
}

start_lb() { # start_lb N: HAProxy, round robin over N replicas, and in front of the ceiling
  local i cfg=$TMP/haproxy.cfg
  {
    cat <<EOF
global
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 2s
  timeout client 30s
  timeout server 30s
frontend aiccd
  bind 127.0.0.1:$LB_PORT
  default_backend aiccd
backend aiccd
  balance roundrobin
  option httpchk GET /readyz
EOF
    for i in $(seq 1 "$1"); do echo "  server r$i 127.0.0.1:$((FIRST_PORT + i - 1)) check inter 1s"; done
    cat <<EOF
frontend ceiling
  bind 127.0.0.1:$LB_CEILING_PORT
  default_backend ceiling
backend ceiling
  server c1 127.0.0.1:$CEILING_PORT
EOF
  } > "$cfg"
  haproxy -c -q -f "$cfg" || die "HAProxy refused $cfg"
  haproxy -db -f "$cfg" >"$TMP/haproxy.log" 2>&1 &
  LB_PID=$!
  wait_ready "http://127.0.0.1:$LB_PORT/readyz" "$LB_PID" "$TMP/haproxy.log"
  # Every replica answers through HAProxy before the load starts: round
  # robin sends the next N requests to the N servers.
  for i in $(seq 1 $((2 * $1))); do curl -sf "http://127.0.0.1:$LB_PORT/readyz" >/dev/null || die "a replica is not ready behind HAProxy"; done
}

# ticks PID...: CPU time (user + system, clock ticks) of each process, "pid ticks".
ticks() { local pid; for pid in "$@"; do [ -r "/proc/$pid/stat" ] && awk -v p="$pid" '{ print p, $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true; done; }
# The PostgreSQL backends serving this database, from pg_stat_activity; the
# psql asking is connected to another database, so it is not among them.
backends() { psql "$PG_ADMIN" -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$DBNAME'"; }
xacts() { psql "$PG_ADMIN" -Atc "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$DBNAME'"; }
# delta BEFORE AFTER: CPU seconds between two "pid ticks" lists; a process
# missing from BEFORE started meanwhile and counts from zero.
delta() { awk -v tick="$TICK" 'NR == FNR { a[$1] = $2; next } { d += $2 - a[$1] } END { printf "%.4f\n", d / tick }' "$1" "$2"; }

# measure NAME PORT SERVER_PID...: warm-up, then wrk with the CPU of the
# database's backends, of the servers (the replicas, or the ceiling) and of
# HAProxy read around it. Prints "req/s p50_ms p99_ms non2xx db_us server_us
# lb_us db_xacts_per_req backends".
measure() {
  local name=$1 port=$2 x0 x1; shift 2
  wrk -t"$THREADS" -c"$CONNS" -d2s -s "$TMP/$name.lua" "http://127.0.0.1:$port" >/dev/null 2>&1 || true
  # PostgreSQL publishes a backend's counters at most once a second.
  sleep 1.1
  x0=$(xacts)
  ticks $(backends) > "$TMP/db0"; ticks "$@" > "$TMP/app0"; ticks "$LB_PID" > "$TMP/lb0"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$TMP/$name.lua" "http://127.0.0.1:$port" > "$TMP/$name.wrk" 2>&1 || true
  ticks $(backends) > "$TMP/db1"; ticks "$@" > "$TMP/app1"; ticks "$LB_PID" > "$TMP/lb1"
  sleep 1.1
  x1=$(xacts)
  awk -v db="$(delta "$TMP/db0" "$TMP/db1")" -v app="$(delta "$TMP/app0" "$TMP/app1")" -v lb="$(delta "$TMP/lb0" "$TMP/lb1")" \
      -v x="$((x1 - x0))" -v nb="$(wc -l < "$TMP/db1")" '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    / requests in / { n = $1 }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { if (n == 0) n = 1
          printf "%.0f %.2f %.2f %s %.1f %.1f %.1f %.2f %d\n", rps, p50, p99, (bad == "" ? 0 : bad),
            1e6*db/n, 1e6*app/n, 1e6*lb/n, x/n, nb }' "$TMP/$name.wrk"
}

"$OUT/ceiling" -addr "127.0.0.1:$CEILING_PORT" & CEIL_PID=$!
sleep 0.3
ENDPOINTS="querytenantbasic check-user queryfaultyuser"
declare -A R NEAR DIRECT
for n in $COUNTS; do
  say "$n replica(s) behind HAProxy"
  start_replicas "$n"
  start_lb "$n"
  demo_scripts "http://127.0.0.1:$LB_PORT"
  lua ceiling POST / '{"accessCode":"9911411"}'
  DIRECT[$n]=$(measure ceiling "$CEILING_PORT" "$CEIL_PID")
  echo "ceiling, direct: ${DIRECT[$n]}" >&2
  for ep in $ENDPOINTS; do
    NEAR[$n,$ep]=$(measure ceiling "$LB_CEILING_PORT" "$CEIL_PID")
    R[$n,$ep]=$(measure "$ep" "$LB_PORT" "${REPLICA_PIDS[@]}")
    echo "$n replica(s) $ep: ${R[$n,$ep]} (ceiling through HAProxy just before: ${NEAR[$n,$ep]})" >&2
  done
  stop_lb
  stop_replicas
done

say "results"
{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(uname -sr), $(haproxy -v | awk 'NR == 1 {print "HAProxy", $3}'), $(psql "$PG_ADMIN" -Atc 'SHOW server_version' | awk '{print "PostgreSQL", $1}'); load generator, HAProxy, the replicas and PostgreSQL on the same machine. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Command: \`$COMMAND\` (wrk -t$THREADS -c$CONNS -d$DURATION through HAProxy, round robin; the demo data)."
  echo
  echo "| endpoint | replicas | requests/s | p50 ms | p99 ms | p99 ÷ ceiling's | non-2xx | % of ceiling through HAProxy | PostgreSQL CPU µs/request | transactions/request | server CPU µs/request (aiccd: all replicas) | HAProxy CPU µs/request |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for ep in $ENDPOINTS; do
    for n in $COUNTS; do
      read -r rps p50 p99 bad db app lb xr nb <<<"${R[$n,$ep]}"
      read -r c_rps _ c_p99 _ <<<"${NEAR[$n,$ep]}"
      echo "| $ep | $n | $rps | $p50 | $p99 | $(awk -v a="$p99" -v b="$c_p99" 'BEGIN { printf "%.1f×", a/b }') | $bad | $(awk -v a="$rps" -v b="$c_rps" 'BEGIN { printf "%.0f%%", 100*a/b }') | $db ($nb backends) | $xr | $app | $lb |"
    done
  done
  for n in $COUNTS; do
    read -r rps p50 p99 _ _ app _ <<<"${DIRECT[$n]}"
    echo "| (ceiling: net/http, direct; run of $n) | | $rps | $p50 | $p99 | | | | | | $app (the ceiling) | |"
    for ep in $ENDPOINTS; do
      read -r rps p50 p99 bad _ app lb _ <<<"${NEAR[$n,$ep]}"
      echo "| (ceiling through HAProxy, before $ep; run of $n) | | $rps | $p50 | $p99 | 1× | | 100% | | | $app (the ceiling) | $lb |"
    done
  done
  echo
  echo "CPU per request: user plus system time from /proc/PID/stat (clock ticks of 1/$TICK s) read just before and just after each wrk run, divided by the requests wrk completed. PostgreSQL: the backends connected to the database (pg_stat_activity), one per pooled connection and one per replica's LISTEN connection; the server's shared processes (WAL writer, checkpointer, autovacuum) serve other databases too and are left out. Transactions per request: pg_stat_database's commits and rollbacks over the run, read after the backends' counters are published (at most once a second)."
} > "$OUT/replicas.md"
cat "$OUT/replicas.md"
