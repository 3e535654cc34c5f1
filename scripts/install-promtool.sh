#!/usr/bin/env bash
# Installs promtool (Debian package prometheus) for the check of deploy/prometheus/alerts.yml.
# Idempotent and quiet when promtool is present. The package's service is never started
# (scripts/apt-install.sh installs with services disabled).
set -euo pipefail
if command -v promtool >/dev/null 2>&1; then
  exit 0
fi
APT_INSTALL_CALLER="$0" exec bash "$(dirname "$0")/apt-install.sh" prometheus "Debian's prometheus (for promtool)"
