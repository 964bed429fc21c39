#!/usr/bin/env bash
# aiccd's load harness: on SQLite and on PostgreSQL, drives six endpoints
# with wrk at 32 connections on the demo data, then again after importing
# generated volume, and measures two references on the same machine in the
# same run: a minimal net/http JSON handler (the ceiling, measured just
# before each endpoint) and Prism serving aiccd's own OpenAPI document.
# Writes bench/out/results.md and the "Load" section of docs/benchmarks.md.
# See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

RECORDS=${RECORDS:-1000000}
ACCESS_CODES=${ACCESS_CODES:-100000}
CUSTOMERS=${CUSTOMERS:-100000}
PHASES=${PHASES:-demo volume}
PRISM_VERSION=5.14.2
PORT=18080
CEILING_PORT=18090
PRISM_PORT=18091

mkdir -p "$OUT"
for port in $PORT $CEILING_PORT $PRISM_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "bench/run.sh: port $port is in use; stop what listens there (a previous run?)" >&2; exit 1
  fi
done

say "tools"
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
if [ ! -x "$OUT/prism/node_modules/.bin/prism" ]; then
  npm install --silent --no-audit --no-fund --prefix "$OUT/prism" "@stoplight/prism-cli@$PRISM_VERSION" >&2
fi
go build -o "$OUT/aiccd" ./cmd/aiccd
go build -o "$OUT/ceiling" ./bench/ceiling
go build -o "$OUT/sign" ./bench/sign
AICCD="$OUT/aiccd"
TICK=$(getconf CLK_TCK)

say "generated volume: $RECORDS SmartCare records, $ACCESS_CODES access codes, $CUSTOMERS customers"
[ -s "$OUT/records.ndjson.gz" ] || "$AICCD" demo smartcare-data --records "$RECORDS" --seed 1 --out "$OUT/records.ndjson.gz"
if [ ! -s "$OUT/accesscodes.csv" ]; then
  awk -v n="$ACCESS_CODES" 'BEGIN {
    split("2 5 18 19 53", media, " "); split("Hangzhou Shanghai Beijing Shenzhen 杭州 上海 北京 深圳", city, " ");
    split("billing hotline support sales 账单 热线 客服 销售", word, " ");
    print "accessCode,mediatypeId,numCallAttr,description";
    for (i = 0; i < n; i++) printf "7%07d,%s,%d,%s %s line %d\n", i, media[i%5+1], i%3+1, city[i%8+1], word[(i*7)%8+1], i
  }' > "$OUT/accesscodes.csv"
fi
if [ ! -s "$OUT/customers.csv" ]; then
  awk -v n="$CUSTOMERS" 'BEGIN {
    print "name,email,mobile";
    for (i = 0; i < n; i++) printf "bench-%07d,bench%07d@example.com,0086-15%09d\n", i, i, i
  }' > "$OUT/customers.csv"
fi

PID=
READY_MS=
start_aiccd() { # start_aiccd DATABASE [serve flags...]: starts it, waits for /readyz; sets PID and READY_MS
  local db=$1; shift
  local t0; t0=$(date +%s%N)
  "$AICCD" serve --addr "127.0.0.1:$PORT" --database "$db" "$@" >"$OUT/aiccd.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 3000); do
    curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && { READY_MS=$(( ($(date +%s%N) - t0) / 1000000 )); return; }
    kill -0 "$PID" 2>/dev/null || { cat "$OUT/aiccd.log" >&2; exit 1; }
    sleep 0.01
  done
  echo "aiccd did not become ready" >&2; exit 1
}
stop_aiccd() { kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; PID=; }
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "${REF_PID:-}" ] && kill "$REF_PID" 2>/dev/null; [ -n "${CEIL_PID:-}" ] && kill "$CEIL_PID" 2>/dev/null; true' EXIT

# load NAME BASEURL PID [PROFILE_NAME]: runs wrk, prints "req/s p50_ms p99_ms
# peak_rss_mb non2xx cpu_us"; the peak is the server's VmHWM (the most
# resident memory it has had since it started, kept by the kernel: no
# sample can miss it); cpu_us is the server's CPU time (user + system, from
# /proc/PID/stat) over the run divided by the requests served: unlike
# requests/s, it hardly moves with what else the shared machine runs. With PROFILE set and a PROFILE_NAME given, saves aiccd's CPU
# profile of the run as $OUT/PROFILE_NAME.pprof.
load() {
  local name=$1 base=$2 pid=$3 pname=${4:-} peak=0 profiler= t0 t1
  # A short warm-up, not measured: connections, prepared statements and
  # caches are set up as they would be on a server already in service.
  wrk -t"$THREADS" -c"$CONNS" -d2s -s "$OUT/$name.lua" "$base" >/dev/null 2>&1 || true
  if [ -n "${PROFILE:-}" ] && [ -n "$pname" ]; then
    ( sleep 1; curl -s -H "Authorization: Bearer $ADMIN_TOKEN" -o "$OUT/$pname.pprof" \
        "$base/admin/debug/pprof/profile?seconds=$(( ${DURATION%s} - 2 ))" ) &
    profiler=$!
  fi
  t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$OUT/$name.lua" "$base" > "$OUT/$name.wrk" 2>&1 || true
  t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo "$t0")
  [ -n "$profiler" ] && { wait "$profiler" || true; }
  peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  awk -v peak="${peak:-0}" -v cpu="$(( t1 - t0 ))" -v tick="$TICK" '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    / requests in / { n = $1 }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.2f %.2f %.0f %s %.1f\n", rps, p50, p99, peak/1024, (bad == "" ? 0 : bad), (n > 0 ? 1e6*cpu/tick/n : 0) }' "$OUT/$name.wrk"
}

ENDPOINTS="tokenByAkSk querytenantbasic querytenantinfo check-user queryAccessCodeList queryfaultyuser"
declare -A RESULT READY NEAR SHARE CPU

# The ceiling serves throughout and is measured just before each endpoint:
# on a machine shared with other work the capacity left to a server moves
# within minutes, and a ratio to a ceiling measured at another moment would
# measure that move.
"$OUT/ceiling" -addr "127.0.0.1:$CEILING_PORT" & CEIL_PID=$!
sleep 0.3
lua ceiling POST / '{"accessCode":"9911411"}'

for engine in sqlite postgres; do
  say "aiccd on $engine"
  if [ "$engine" = sqlite ]; then
    rm -rf "$OUT/sqlite"; DB="$OUT/sqlite/aiccd.db"
  else
    psql "$PG_ADMIN" -qc 'DROP DATABASE IF EXISTS aiccd_bench WITH (FORCE)' -c 'CREATE DATABASE aiccd_bench' >/dev/null
    DB="${PG_ADMIN/\/postgres\?/\/aiccd_bench?}"
  fi
  start_aiccd "$DB" --demo
  # A trial in service for querytenantinfo: the demo's own trial reproduces
  # the page's example, which expired in 2023, and only --demo keeps it in
  # service.
  "$AICCD" admin tenant create bench-trial --kind trial --trial-expires "$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)" \
    --company "Bench Trial Co" --contact "Bench Person" --email bench.trial@example.com --mobile 13700001111 --database "$DB" >&2
  TRIAL_TOKEN=$("$AICCD" admin malltoken issue --tenant bench-trial -o json --database "$DB" | sed -n 's/.*"token": *"\([^"]*\)".*/\1/p')
  [ "$engine" = sqlite ] && [ ! -s "$OUT/openapi.yaml" ] && curl -sf "http://127.0.0.1:$PORT/openapi.yaml" -o "$OUT/openapi.yaml" || true
  for phase in $PHASES; do
    if [ "$phase" = volume ]; then
      say "importing the volume"
      "$AICCD" import records --tenant demo "$OUT/records.ndjson.gz" --database "$DB" >&2
      "$AICCD" import accesscodes --tenant demo "$OUT/accesscodes.csv" --database "$DB" >&2
      "$AICCD" import customers --partner demo-partner "$OUT/customers.csv" --database "$DB" >&2
    fi
    # Measure a database at rest, not autovacuum's pass over the new rows.
    [ "$engine" = postgres ] && psql "$DB" -qc 'VACUUM ANALYZE' >&2
    if [ "$phase" = volume ]; then
      # A new process on the grown database: its start-up is timed, and
      # its VmHWM is its own, not the demo phase's.
      stop_aiccd
      start_aiccd "$DB"
      READY[$engine]=$READY_MS
      say "ready in ${READY[$engine]} ms on an existing database"
    fi
    say "loading $engine, $phase data"
    demo_scripts "http://127.0.0.1:$PORT"
    for ep in $ENDPOINTS; do
      NEAR[$engine,$phase,$ep]=$(load ceiling "http://127.0.0.1:$CEILING_PORT" "$CEIL_PID")
      RESULT[$engine,$phase,$ep]=$(load "$ep" "http://127.0.0.1:$PORT" "$PID" "$engine-$phase-$ep")
      echo "$engine $phase $ep: ${RESULT[$engine,$phase,$ep]} (ceiling just before: ${NEAR[$engine,$phase,$ep]})" >&2
    done
    [ -n "${PROFILE:-}" ] && curl -s -H "Authorization: Bearer $ADMIN_TOKEN" -o "$OUT/$engine-$phase-heap.pprof" \
      "http://127.0.0.1:$PORT/admin/debug/pprof/heap" || true
  done
  stop_aiccd
done

kill "$CEIL_PID"; wait "$CEIL_PID" 2>/dev/null || true; CEIL_PID=
# The ceiling's row: the mean of its runs (peak RSS: the largest).
CEILING=$(for k in "${!NEAR[@]}"; do echo "${NEAR[$k]}"; done | awk '
  { rps += $1; p50 += $2; p99 += $3; if ($4 > rss) rss = $4; cpu += $6; n++
    if (min == "" || $1 < min) min = $1; if ($1 > max) max = $1 }
  END { printf "%.0f %.2f %.2f %.0f %.0f %.0f %.1f\n", rps/n, p50/n, p99/n, rss, min, max, cpu/n }')
echo "ceiling: $CEILING" >&2

declare -A PRISM
if [ -s "$OUT/openapi.yaml" ]; then
  say "Prism $PRISM_VERSION mocking aiccd's OpenAPI document"
  "$OUT/prism/node_modules/.bin/prism" mock -p "$PRISM_PORT" -d false "$OUT/openapi.yaml" >"$OUT/prism.log" 2>&1 & REF_PID=$!
  for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$PRISM_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  demo_scripts "http://127.0.0.1:$PRISM_PORT" prism-needs-no-real-token
  for ep in $ENDPOINTS; do
    cp "$OUT/$ep.lua" "$OUT/prism-$ep.lua"
    PRISM[$ep]=$(load "prism-$ep" "http://127.0.0.1:$PRISM_PORT" "$REF_PID")
    echo "prism $ep: ${PRISM[$ep]}" >&2
  done
  kill "$REF_PID" 2>/dev/null || true; wait "$REF_PID" 2>/dev/null || true; REF_PID=
else
  echo "no OpenAPI document served: Prism is not measured" >&2
fi

say "results"
{
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); load generator on the same machine."
  echo "Command: \`bash bench/run.sh\` (wrk -t$THREADS -c$CONNS -d$DURATION; volume: $RECORDS SmartCare records, $ACCESS_CODES access codes, $CUSTOMERS customers besides the demo data)."
  echo
  read -r c_rps c_p50 c_p99 c_rss c_min c_max c_cpu <<<"$CEILING"
  echo "| endpoint | engine | data | requests/s | p50 ms | p99 ms | p99 ÷ ceiling's | peak RSS MB | non-2xx | CPU µs/request | % of ceiling | volume ÷ demo: share | volume ÷ demo: CPU/request | × Prism |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for ep in $ENDPOINTS; do
    for engine in sqlite postgres; do
      for phase in $PHASES; do
        read -r rps p50 p99 rss bad cpu <<<"${RESULT[$engine,$phase,$ep]}"
        read -r near _ near_p99 _ <<<"${NEAR[$engine,$phase,$ep]}"
        share=$(awk -v a="$rps" -v b="$near" 'BEGIN { printf "%.3f", a/b }')
        SHARE[$engine,$phase,$ep]=$share
        p99x=$(awk -v a="$p99" -v b="$near_p99" 'BEGIN { if (b > 0) printf "%.1f×", a/b; else print "n/a" }')
        # The volume's share against the demo's: the target is that none
        # falls by more than a fifth.
        # The CPU per request against the demo's says the same without the
        # machine's other work in it.
        fall= grow=
        CPU[$engine,$phase,$ep]=$cpu
        if [ "$phase" = volume ] && [ -n "${SHARE[$engine,demo,$ep]:-}" ]; then
          fall=$(awk -v v="$share" -v d="${SHARE[$engine,demo,$ep]}" 'BEGIN { r = v/d; printf (r < 0.8 ? "**%.2f**" : "%.2f"), r }')
          grow=$(awk -v v="$cpu" -v d="${CPU[$engine,demo,$ep]}" 'BEGIN { if (d > 0) { r = v/d; printf (r > 1.25 ? "**%.2f**" : "%.2f"), r } }')
        fi
        prism="n/a"
        if [ -n "${PRISM[$ep]:-}" ]; then
          read -r p_rps _ <<<"${PRISM[$ep]}"
          prism=$(awk -v a="$rps" -v b="$p_rps" 'BEGIN { if (b > 0) printf "%.0f×", a/b; else print "n/a" }')
        fi
        echo "| $ep | $engine | $phase | $rps | $p50 | $p99 | $p99x | $rss | $bad | $cpu | $(awk -v s="$share" 'BEGIN { printf "%.0f%%", 100*s }') | $fall | $grow | $prism |"
      done
    done
  done
  echo "| (ceiling: net/http, mean) | | | $c_rps | $c_p50 | $c_p99 | 1× | $c_rss | | $c_cpu | 100% | | | |"
  for ep in $ENDPOINTS; do
    [ -n "${PRISM[$ep]:-}" ] || continue
    read -r p_rps p_p50 p_p99 p_rss p_bad p_cpu <<<"${PRISM[$ep]}"
    echo "| (Prism $PRISM_VERSION) $ep | | | $p_rps | $p_p50 | $p_p99 | | $p_rss | $p_bad | $p_cpu | | | | 1× |"
  done
  echo
  echo "Each % of ceiling and each p99 ratio is against the ceiling measured just before that endpoint ($c_min to $c_max requests/s in this run). \"demo\": the demo data alone; \"volume\": after importing the volume, on a restarted server. Peak RSS: the server's VmHWM at the end of the run (aiccd serves all six endpoints of one data set in one process). CPU µs/request: the server's user and system time over the run, from /proc/PID/stat, per request served (with PROFILE set, the profiler's share included). volume ÷ demo: bold when the share of the ceiling falls by more than a fifth, or the CPU per request grows by more than a quarter (the same fall, less moved by the machine's other work)."
  echo
  echo "Start to ready on an existing database: SQLite ${READY[sqlite]:-n/a} ms, PostgreSQL ${READY[postgres]:-n/a} ms. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
} > "$OUT/results.md"
cat "$OUT/results.md"

# Replace the generated section of docs/benchmarks.md.
begin='<!-- bench/run.sh: begin -->'
end='<!-- bench/run.sh: end -->'
if grep -qF "$begin" docs/benchmarks.md; then
  sed -i "\|$begin|,\|$end|{\|$begin|!{\|$end|!d}}" docs/benchmarks.md
  sed -i "\|$begin|r $OUT/results.md" docs/benchmarks.md
else
  printf '\n## Load (bench/run.sh)\n\n%s\n' "$begin" >> docs/benchmarks.md
  cat "$OUT/results.md" >> docs/benchmarks.md
  printf '%s\n' "$end" >> docs/benchmarks.md
fi
