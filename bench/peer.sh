#!/usr/bin/env bash
# `make bench-peer`: SEND Casework beside django-helpdesk 2.6.1 at the same N on the same PostgreSQL, measured in one
# run, alternately, by ../shared/peer-bench/side-by-side/run.sh (it clones this checkout's committed HEAD, so commit
# first). The ratios, with the yardstick, go to bench/results/peer-N[-LABEL].{md,json}.
#
#   BENCH_PEER_CASES=100000   cases on our side, tickets on the peer's (each seeded once, then reused)
#   BENCH_PEER_ROUNDS=2       peer, ours, peer, ours ...
#   BENCH_PEER_LABEL=before   a name for this run in the results' file names (e.g. before and after a change)
#   PEER_BENCH=../shared/peer-bench, OURS=/tmp/sbs-ours (the clone), OUT=/tmp/sbs-results (the raw figures)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${BENCH_PEER_CASES:-100000}"
ROUNDS="${BENCH_PEER_ROUNDS:-2}"
PEER_BENCH="${PEER_BENCH:-../shared/peer-bench}"
export OURS="${OURS:-/tmp/sbs-ours}" OUT="${OUT:-/tmp/sbs-results}"
OURS_DB="postgres://postgres@127.0.0.1:5432/sbs_ours"
# run.sh migrates only when it seeds: a clone seeded at an earlier commit is brought to this one's models first.
if [ -d "$OURS/.git" ] && psql -h 127.0.0.1 -U postgres -d sbs_ours -tAc "SELECT 1" >/dev/null 2>&1; then
    (cd "$OURS" && git pull -q --ff-only && make install >/dev/null \
     && env DATABASE_URL="$OURS_DB" DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=sbs \
        ALLOWED_HOSTS=127.0.0.1,testserver SITE_URL=http://127.0.0.1:8000 CELERY_BROKER_URL=filesystem:// \
        VAR_DIR=/tmp/sbs-var .venv/bin/python manage.py migrate --noinput >/dev/null)
fi
bash "$PEER_BENCH/side-by-side/run.sh" "$N" "$ROUNDS"
DATABASE_URL="$OURS_DB" .venv/bin/python bench/peer.py "$OUT" "$N" "$ROUNDS" \
    "${BENCH_PEER_LABEL:-}"
