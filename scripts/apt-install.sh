#!/usr/bin/env bash
# Installs one Debian package for a test that needs a real tool (used by install-nginx.sh and
# install-promtool.sh, which first check whether the tool is already present).
# Usage: scripts/apt-install.sh PACKAGE "what it is for"
# The package's service is never started: policy-rc.d 101 = "do not start services" during the install.
set -euo pipefail
package="$1"
purpose="${2:-$1}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "$(basename "${APT_INSTALL_CALLER:-$0}" .sh): installing ${purpose}"
created_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  created_policy="yes"
fi
cleanup() {
  if [ -n "$created_policy" ]; then
    $SUDO rm -f /usr/sbin/policy-rc.d
  fi
}
trap cleanup EXIT
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$package" >/dev/null
