#!/usr/bin/env bash
# The whole suite: lint, types, import contracts, then pytest twice -- on embedded defaults (SQLite,
# in-process cache) and on the machine's PostgreSQL + Redis when they answer (always in CI). The second pass
# uses Redis database 15 so a test that clears the cache never touches data of anything else on the machine.
# UNSE_TEST_DATABASE_URL / UNSE_TEST_REDIS_URL override both, so two checkouts can run the suite at once.
#
# `--fast` (make test-fast): the static checks and the unit tests only -- no apt installs, no browser, no
# private servers (integration, reliability and slow suites), no second pass, 500 instead of 5,000 examples
# of the engine's property suite. Each pass prints its duration.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

fast=false
if [ "${1:-}" = "--fast" ]; then
  fast=true
  shift
fi

timed() {
  # timed LABEL COMMAND...: run COMMAND, then print how long the pass took (also when it failed).
  local label=$1 started status=0
  shift
  started=$(date +%s)
  echo "== $label =="
  "$@" || status=$?
  echo "== $label: $(( $(date +%s) - started )) s (exit $status) =="
  return "$status"
}

timed "lint: ruff, format, mypy, import contracts" bash scripts/lint.sh
timed "migration lint" bash scripts/lint_migrations.sh  # expand-then-contract policy (docs/operations.md)

if $fast; then
  timed "pytest: unit tests (SQLite, in-process cache)" \
    env -u DATABASE_URL -u REDIS_URL SAJU_PROPERTY_EXAMPLES=500 .venv/bin/python -m pytest -q -p no:cacheprovider \
    -m "not browser and not integration and not slow" \
    --ignore=tests/browser --ignore=tests/integration --ignore=tests/reliability "$@"
  exit 0
fi

bash scripts/install-browser.sh  # Debian Chromium + Korean font for tests/browser (no-op when present)
bash scripts/install-nginx.sh   # Debian nginx for tests/integration/test_nginx.py (no-op when present)
bash scripts/install-promtool.sh  # promtool for tests/unse/ops/test_alerts.py (no-op when present)

timed "pytest on embedded defaults (SQLite, in-process cache)" \
  env -u DATABASE_URL -u REDIS_URL .venv/bin/python -m pytest -q -p no:cacheprovider -m "not browser" "$@"

# Browser tests in their own process: Playwright's sync API keeps an event loop marked as running in the
# main thread, which made every later async test of the same process fail ("Runner.run() cannot be called
# from a running event loop"). Exit status 5 = none selected (e.g. a path without browser tests was given).
browser() {
  local status=0
  env -u DATABASE_URL -u REDIS_URL .venv/bin/python -m pytest -q -p no:cacheprovider -m browser "$@" || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then
    return "$status"
  fi
}
timed "pytest: real-browser tests (SQLite)" browser "$@"

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  timed "pytest on PostgreSQL + Redis" \
    env DATABASE_URL="${UNSE_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/unse}" \
    REDIS_URL="${UNSE_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}" \
    .venv/bin/python -m pytest -q -p no:cacheprovider -m "not browser and not integration" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL or Redis is not reachable in CI" >&2
  exit 1
else
  echo "(PostgreSQL/Redis not reachable: the second pass is skipped on this machine)"
fi
