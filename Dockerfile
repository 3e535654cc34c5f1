# syntax=docker/dockerfile:1
# Multi-stage: dependencies are resolved from uv.lock in a build stage; the runtime stage has no compiler,
# no uv and runs as an unprivileged user. The same scripts/serve.sh as `make run` starts the server.

FROM python:3.11-slim-bookworm AS build
ENV UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv
WORKDIR /app
# Dependencies first (cached while only the code changes), then the project itself.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev \
 && SECRET_KEY=build-only-never-used-at-runtime \
    DJANGO_SETTINGS_MODULE=config.settings.prod \
    /app/.venv/bin/python manage.py collectstatic --noinput --verbosity 0

FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings.prod \
    HOST=0.0.0.0 \
    PORT=8000 \
    WEB_CONCURRENCY=2 \
    GRACEFUL_TIMEOUT=120 \
    UVICORN=/app/.venv/bin/uvicorn
RUN groupadd --system --gid 10001 unse \
 && useradd --system --uid 10001 --gid unse --home-dir /app --no-create-home unse
WORKDIR /app
COPY --from=build --chown=unse:unse /app /app
USER unse
EXPOSE 8000
# Liveness only: /health/ does no I/O, so a database outage never makes Docker restart the container
# (readiness, /ready/, is for the load balancer).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health/', timeout=2).status != 200)"]
STOPSIGNAL SIGTERM
CMD ["bash", "scripts/serve.sh"]
