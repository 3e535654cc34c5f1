# Two commands for a newcomer: `make run` and `make test`. Everything else is a detail of those.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
UV := $(shell command -v uv 2>/dev/null || echo .bootstrap/bin/uv)
# An unset DJANGO_SETTINGS_MODULE means production (manage.py, config/asgi.py, config/celery.py); the local
# targets below ask for the dev settings explicitly unless the caller chose a module.
DEV := DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.dev}

.PHONY: install run release test test-fast lint typecheck format drain undrain screenshots

# uv itself is bootstrapped into .bootstrap/ with pip when the machine has none.
.bootstrap/bin/uv:
	python3 -m venv .bootstrap
	.bootstrap/bin/pip install -q uv

# The stamp makes `make install` a no-op while pyproject.toml and uv.lock are unchanged.
.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-groups
	touch $@

install: .venv/.installed

release: install
	$(DEV) $(PY) manage.py release

# scripts/serve.sh is the single start command shared with the Procfile, Dockerfile and compose.
run: release
	$(DEV) HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh

test: install
	bash scripts/test.sh

# The inner loop (≈ 5 minutes on 2 cores): lint, formatting, types, import contracts, then the unit tests on
# embedded defaults -- no apt installs, no browser, no private servers, no integration or slow suites.
test-fast: install
	bash scripts/test.sh --fast

# ruff, the formatter's check, mypy strict and the import-linter contracts (also run by both test targets).
lint: install
	bash scripts/lint.sh

typecheck: install
	.venv/bin/mypy

format: install
	.venv/bin/ruff format src tests bench config tools
	.venv/bin/ruff check --fix src tests bench config tools

# Rolling restart, step 1: /ready/ answers 503 so the load balancer stops sending new work (docs/deploy.md).
drain: install
	$(DEV) $(PY) manage.py drain on

undrain: install
	$(DEV) $(PY) manage.py drain off

# docs/screenshots/ regenerated from the journey browser tests (phone 390×844, desktop 1280×900).
screenshots: install
	bash scripts/screenshots.sh
