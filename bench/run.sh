#!/usr/bin/env bash
# `make bench`: the national-scale benchmarks on PostgreSQL. Never part of `make test`.
#
#   BENCH_CASES=1000000        how many cases to seed (100000 to try it out)
#   DATABASE_URL=...           default postgres://postgres@127.0.0.1:5432/send_casework_bench (created here)
#   BENCH_RESEED=1             seed again even if the database already holds BENCH_CASES cases
#   BENCH_DURATION=30          seconds of load for each HTTP benchmark (each also stops after BENCH_MAX_REQUESTS)
#   BENCH_ALONE_DURATION=10    then seconds of the same requests one at a time (one connection)
#   BENCH_WORKERS=4            gunicorn workers; BENCH_CONNECTIONS=4 concurrent wrk connections
#   BENCH_ONLY=sweep,reports   only these in-process parts (api_queries, sweep, offboard, reports); BENCH_SKIP_HTTP=1
#
# Load goes to 127.0.0.1 only, bounded in time and in requests. Results: bench/results/bench-N.{json,md},
# bench/results/explain/*.txt (EXPLAIN ANALYZE of the hot queries), bench/results/profiles/*.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PY="$ROOT/.venv/bin/python"
export BENCH_CASES="${BENCH_CASES:-1000000}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/send_casework_bench}"
DURATION="${BENCH_DURATION:-30}"
ALONE_DURATION="${BENCH_ALONE_DURATION:-10}"
MAX_REQUESTS="${BENCH_MAX_REQUESTS:-20000}"
WORKERS="${BENCH_WORKERS:-4}"
CONNECTIONS="${BENCH_CONNECTIONS:-4}"
PORT="${BENCH_PORT:-8765}"
WORK="$(mktemp -d /tmp/send-casework-bench.XXXXXX)"
GUNICORN_PID=""
cleanup() {
    if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
    if [ "${BENCH_KEEP_WORK:-0}" = 1 ]; then echo "work files kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM
say() { echo "[bench $(date +%H:%M:%S)] $*"; }

# Production-like settings for every Python process below (bench/common.py sets the same defaults).
export DJANGO_SETTINGS_MODULE=config.settings.production
export SECRET_KEY="bench-only-secret-key-not-for-anything-else"
export SECURE_SSL_REDIRECT=false DEBUG=false LOG_LEVEL=WARNING
export ALLOWED_HOSTS="127.0.0.1,localhost,testserver"
export SITE_URL="http://127.0.0.1:8000"
export DATABASE_CONN_MAX_AGE=60
export VAR_DIR="$WORK/var"
# The broker: Redis on this machine if it answers (database 15, emptied after), else a folder in $WORK.
if [ -z "${CELERY_BROKER_URL:-}" ] && "$PY" -c "import redis; redis.Redis(host='127.0.0.1', socket_connect_timeout=1).ping()" 2>/dev/null; then
    export CELERY_BROKER_URL="redis://127.0.0.1:6379/15"
elif [ -z "${CELERY_BROKER_URL:-}" ]; then
    # Production settings refuse to guess a broker, so the folder one is asked for by name.
    export CELERY_BROKER_URL="filesystem://"
fi

# 1. Tools: wrk (Debian) drives the HTTP load; pyinstrument (requirements.txt) takes call trees.
if ! command -v wrk >/dev/null; then
    say "installing wrk"
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi
"$PY" -c "import pyinstrument" 2>/dev/null || "$PY" -m pip install --quiet "$(grep -i '^pyinstrument==' requirements.txt)"

# 2. The database: created if missing, migrated, seeded unless it already holds BENCH_CASES cases.
"$PY" - <<'PYTHON'
import os, psycopg
from psycopg import sql
from urllib.parse import urlparse
url = urlparse(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
admin = os.environ["DATABASE_URL"].replace(url.path, "/postgres", 1)
with psycopg.connect(admin, autocommit=True) as conn:
    cases = None
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        with psycopg.connect(os.environ["DATABASE_URL"]) as bench:
            if bench.execute("SELECT to_regclass('bench_meta')").fetchone()[0]:
                cases = bench.execute("SELECT value::text::int FROM bench_meta WHERE key = 'cases'").fetchone()
    wanted = int(os.environ["BENCH_CASES"])
    if cases is None or cases[0] != wanted or os.environ.get("BENCH_RESEED") == "1":
        print(f"[bench] (re)creating database {name} for {wanted} cases", flush=True)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        open(os.environ["VAR_DIR"] + ".seed", "w").write("yes")
    else:
        print(f"[bench] database {name} already holds {wanted} seeded cases: not seeding again", flush=True)
PYTHON
mkdir -p "$VAR_DIR"
say "migrating"
"$PY" manage.py migrate --noinput >/dev/null
if [ -f "$VAR_DIR.seed" ]; then
    say "seeding $BENCH_CASES cases"
    (cd bench && "$PY" seed.py --cases "$BENCH_CASES")
fi
export BENCH_RESULTS="${BENCH_RESULTS:-$ROOT/bench/results}"
rm -rf "$BENCH_RESULTS/explain" "$BENCH_RESULTS/profiles"
mkdir -p "$BENCH_RESULTS"
"$PY" bench/bench.py prepare "$WORK"

# 3. HTTP: gunicorn with $WORKERS workers; wrk from a second process on loopback.
if [ "${BENCH_SKIP_HTTP:-0}" != 1 ]; then
    say "starting gunicorn ($WORKERS workers) on 127.0.0.1:$PORT"
    "$ROOT/.venv/bin/gunicorn" config.wsgi:application --workers "$WORKERS" --bind "127.0.0.1:$PORT" \
        --timeout 120 --log-level warning --access-logfile - >"$WORK/gunicorn.log" 2>&1 &
    GUNICORN_PID=$!
    for _ in $(seq 1 60); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/admin/login/" && break
        sleep 0.5
    done
    echo "{\"workers\": $WORKERS, \"connections\": $CONNECTIONS, \"duration_s\": $DURATION, \"max_requests\": $MAX_REQUESTS}" >"$WORK/http.json"
    per_thread=$((MAX_REQUESTS / 2))
    run_wrk() {  # name, script, then the script's arguments
        local name="$1" script="$2"; shift 2
        say "wrk: $name (warm-up 5 s, then ${DURATION} s or $MAX_REQUESTS requests)"
        BENCH_WRK_OUT="$WORK/warmup.json" wrk -t2 -c"$CONNECTIONS" -d5s -s "bench/wrk/$script" \
            "http://127.0.0.1:$PORT" -- "$@" >/dev/null
        BENCH_WRK_OUT="$WORK/wrk-$name.json" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s \
            -s "bench/wrk/$script" "http://127.0.0.1:$PORT" -- "$@" | sed 's/^/    /'
        # One connection: each request's own time, with no other request queued on the two cores before it.
        say "wrk: $name, one request at a time (${ALONE_DURATION} s)"
        BENCH_WRK_OUT="$WORK/wrk-$name-alone.json" wrk -t1 -c1 -d"${ALONE_DURATION}s" --timeout 10s \
            -s "bench/wrk/$script" "http://127.0.0.1:$PORT" -- "$@" >/dev/null
    }
    run_wrk log_concern log_concern.lua "$WORK/parents.txt" "$per_thread"
    run_wrk queue get_as.lua "$WORK/officers.txt" "/api/cases/?mine=true" "$per_thread"
    run_wrk parent_list get_as.lua "$WORK/parents.txt" "/api/cases/" "$per_thread"
    grep -v '" 20[01] ' "$WORK/gunicorn.log" | head -20 || true
    kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true; GUNICORN_PID=""
    if [ "${CELERY_BROKER_URL:-}" = "redis://127.0.0.1:6379/15" ]; then
        "$PY" -c "import redis; r = redis.Redis(host='127.0.0.1', db=15); r.delete('celery', *r.keys('_kombu.binding.*'))"
    fi
fi

# 4. In one process: query counts, the sweep, offboarding, the reports, EXPLAIN ANALYZE; then the results.
say "in-process benchmarks"
"$PY" bench/bench.py inprocess "$WORK"
"$PY" bench/bench.py report "$WORK"
say "done: $BENCH_RESULTS/bench-$BENCH_CASES.md"
