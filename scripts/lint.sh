#!/usr/bin/env bash
# Static checks shared by `make lint`, `make test-fast`, `make test` and .pre-commit-config.yaml's hooks:
# ruff (rules in pyproject.toml), the formatter's check, mypy strict over src/ and config/, and the
# import-linter contracts (the layers of README "How it is built").
set -euo pipefail
cd "$(dirname "$0")/.."
PATHS=(src tests bench config tools)
.venv/bin/ruff check "${PATHS[@]}"
.venv/bin/ruff format --check "${PATHS[@]}"
.venv/bin/mypy
.venv/bin/lint-imports
