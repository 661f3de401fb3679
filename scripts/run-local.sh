#!/usr/bin/env bash
# `make run`: migrate, load the demo borough, then web + Celery worker + beat in one terminal.
# Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"
PASSWORD="${DEMO_PASSWORD:-casework-demo}"
# Links in emails, and the addresses the demo prints, point at the port the web server really listens on.
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"

# Before anything starts: a second web server would fail on the port only after a second worker and beat had.
if $PY -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=1)" "$PORT" 2>/dev/null
then
    echo "Port $PORT is already in use: is \`make run\` already running? Stop it, or choose another port: PORT=8001 make run" >&2
    exit 1
fi

if [ -z "${REDIS_URL:-}" ]; then
    if $PY -c "import redis,sys; redis.Redis(host='127.0.0.1', port=6379, socket_connect_timeout=1).ping()" 2>/dev/null; then
        export REDIS_URL="redis://127.0.0.1:6379/0"
        echo "Redis found on 127.0.0.1:6379: Celery uses it as the broker."
    else
        echo "Redis is not reachable: Celery uses a folder broker in var/celery-broker instead."
        echo "Everything still works; set REDIS_URL to use Redis."
    fi
fi
echo "Database: ${DATABASE_URL:-SQLite file var/db.sqlite3 (set DATABASE_URL for PostgreSQL)}"

$PY manage.py migrate --noinput
$PY manage.py seed_demo --password "$PASSWORD"

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 >var/worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO >var/beat.log 2>&1 &
pids+=($!)
$PY manage.py runserver "127.0.0.1:$PORT" &
pids+=($!)

cat <<MSG

SEND Casework is running.
  Sign in:       http://127.0.0.1:$PORT/sign-in/
  API:           http://127.0.0.1:$PORT/api/   (documentation: http://127.0.0.1:$PORT/api/docs/)
  Admin:         http://127.0.0.1:$PORT/admin/
  Demo sign-ins (password: $PASSWORD):
    parent1, parent2    parents of different children
    officer1, officer2  officers in different teams
    manager1            head of service, sees every demo case
    admin               council administrator (the admin site)
  Worker and beat logs: var/worker.log, var/beat.log. Emails land in var/mail/.
Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}"
