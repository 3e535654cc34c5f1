#!/usr/bin/env bash
# Restore drill (docs/operations.md "Backups and the restore drill"): dump the database, restore the dump
# into a fresh database, and prove the copy is complete -- the same row count in every table and the same
# newest reading (id, cache key, md5 of the text). Exits 0 only when everything matches.
#
#   scripts/restore_drill.sh SOURCE_URL [DUMP_DIR]      dump + restore into <source db>_drill_<time> + verify
#   scripts/restore_drill.sh --verify SOURCE_URL TARGET_URL   verify two databases only
#
# URLs are libpq URLs (postgres://user@host:port/db). The drill database is dropped at the end unless
# DRILL_KEEP=1. The dump (custom format, what a nightly backup keeps) stays in DUMP_DIR (default: a temp dir).
# Run it against a replica or at a quiet time: rows written during the drill show up as differences.
set -euo pipefail

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -A -t)

die() { echo "restore_drill: $*" >&2; exit 2; }

tables() {  # every table of the public schema, sorted
  "${PSQL[@]}" "$1" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
}

count_rows() {
  "${PSQL[@]}" "$1" -c "SELECT count(*) FROM public.\"$2\""
}

sample_reading() {  # the newest stored reading, as "id|cache_key|md5(text)"; empty when there is none
  "${PSQL[@]}" "$1" -c "SELECT id || '|' || cache_key || '|' || md5(text) FROM readings_reading ORDER BY id DESC LIMIT 1"
}

verify() {
  local source="$1" target="$2" failures=0 table a b
  local source_tables target_tables
  source_tables="$(tables "$source")"
  target_tables="$(tables "$target")"
  if [ "$source_tables" != "$target_tables" ]; then
    echo "MISMATCH tables differ:"; diff <(echo "$source_tables") <(echo "$target_tables") || true
    failures=$((failures + 1))
  fi
  local total=0
  for table in $source_tables; do
    a="$(count_rows "$source" "$table")"
    b="$(count_rows "$target" "$table" 2>/dev/null || echo missing)"
    if [ "$a" != "$b" ]; then
      echo "MISMATCH $table: source $a rows, restored $b"
      failures=$((failures + 1))
    fi
    total=$((total + a))
  done
  echo "row counts: $(echo "$source_tables" | wc -w) tables, $total rows compared"
  a="$(sample_reading "$source")"
  b="$(sample_reading "$target")"
  if [ "$a" != "$b" ]; then
    echo "MISMATCH sample reading: source '$a', restored '$b'"
    failures=$((failures + 1))
  elif [ -n "$a" ]; then
    echo "sample reading: id ${a%%|*} identical (cache key and text checksum)"
  else
    echo "sample reading: none stored yet"
  fi
  if [ "$failures" -ne 0 ]; then
    echo "RESTORE DRILL FAILED: $failures difference(s)"
    return 1
  fi
  echo "RESTORE DRILL OK"
}

if [ "${1:-}" = "--verify" ]; then
  [ $# -eq 3 ] || die "usage: $0 --verify SOURCE_URL TARGET_URL"
  verify "$2" "$3"
  exit $?
fi

[ $# -ge 1 ] || die "usage: $0 SOURCE_URL [DUMP_DIR]"
SOURCE="$1"
DUMP_DIR="${2:-$(mktemp -d)}"
mkdir -p "$DUMP_DIR"
STAMP="$(date -u +%Y%m%d%H%M%S)"
DUMP="$DUMP_DIR/unse-$STAMP.dump"

# postgres://user@host:port/db?x -> base "postgres://user@host:port", database "db"
base="${SOURCE%%\?*}"
db="${base##*/}"
base="${base%/*}"
[ -n "$db" ] || die "SOURCE_URL must name a database"
drill_db="${db}_drill_${STAMP}"
ADMIN_URL="$base/postgres"
TARGET="$base/$drill_db"

started=$(date +%s)
pg_dump --format=custom --no-owner --no-privileges --file="$DUMP" "$SOURCE"
echo "dump: $DUMP ($(du -h "$DUMP" | cut -f1))"
"${PSQL[@]}" "$ADMIN_URL" -c "CREATE DATABASE \"$drill_db\""
cleanup() {
  if [ "${DRILL_KEEP:-0}" != "1" ]; then
    "${PSQL[@]}" "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$drill_db\" WITH (FORCE)" || true
  else
    echo "kept the restored database: $TARGET"
  fi
}
trap cleanup EXIT
pg_restore --no-owner --no-privileges --exit-on-error --jobs=2 --dbname="$TARGET" "$DUMP"
echo "restored into $drill_db in $(( $(date +%s) - started ))s"
verify "$SOURCE" "$TARGET"
