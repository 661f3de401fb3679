#!/usr/bin/env bash
# Runs the suite with the project's virtualenv. pytest's own exit code passes through.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Database: ${DATABASE_URL:-SQLite (set DATABASE_URL to use PostgreSQL)}"
echo "Redis: ${REDIS_URL:-none (tests needing a real worker are skipped)}"
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
