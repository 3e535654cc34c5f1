#!/usr/bin/env bash
# Regenerate docs/screenshots/ (linked from the README): the journey browser tests at 390×844 and
# 1280×900 against a real server, then the first screen of each main page copied from artifacts/.
# Usage: bash scripts/screenshots.sh   (needs Chromium: scripts/install-browser.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest -q -p no:cacheprovider -m browser tests/browser/test_journey.py
mkdir -p docs/screenshots
for page in home chart today profiles shares shared login; do
  for size in phone desktop; do
    cp "artifacts/screenshots/${page}-${size}.png" "docs/screenshots/${page}-${size}.png"
  done
done
echo "docs/screenshots/ updated"
