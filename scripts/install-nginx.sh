#!/usr/bin/env bash
# Installs Debian's nginx for the integration test that runs deploy/nginx.conf for real.
# Idempotent and quiet when nginx is present. The package's service is never started: the tests run
# their own nginx on a free loopback port (scripts/apt-install.sh installs with services disabled).
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
APT_INSTALL_CALLER="$0" exec bash "$(dirname "$0")/apt-install.sh" nginx "Debian's nginx"
