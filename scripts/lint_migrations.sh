#!/usr/bin/env bash
# Expand-then-contract check of our own apps' migrations (docs/operations.md "Migrations"): fails when a
# migration would break the previous release still running during a rolling deploy (dropping or renaming
# a column or table, adding a NOT NULL column without a database default, ...). Uses PostgreSQL's SQL
# when DATABASE_URL points at PostgreSQL (production's dialect), else SQLite's.
set -euo pipefail
cd "$(dirname "$0")/.."
APPS=$(find src/unse -mindepth 2 -maxdepth 2 -type d -name migrations -printf '%h\n' | xargs -n1 basename | sort | tr '\n' ' ')
# PostgreSQL's dialect whenever the machine's server answers (always in CI): SQLite rebuilds a table for every
# AddField, and the linter's SQLite analyser then reports every NOT NULL column of the copy, even with a
# database default. Only `sqlmigrate` runs, so the maintenance database `postgres` is enough.
if [ -z "${DATABASE_URL:-}" ] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
fi
# Initial migrations only create new tables, which no running release reads yet.
# shellcheck disable=SC2086
LOG_LEVEL=WARNING DJANGO_SETTINGS_MODULE=config.settings.lint .venv/bin/python manage.py lintmigrations \
  --no-cache --ignore-initial-migrations --include-apps $APPS -q ok ignore "$@"
