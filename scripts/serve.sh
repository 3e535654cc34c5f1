#!/usr/bin/env bash
# The one way the web process starts: `make run`, the Procfile, the Dockerfile and compose all call this.
#   HOST / PORT            where to listen (default 127.0.0.1:8000)
#   WEB_CONCURRENCY        uvicorn worker processes (default 1)
#   GRACEFUL_TIMEOUT       seconds in-flight requests (streams) get to finish after SIGTERM (default 120);
#                          new connections are refused from the SIGTERM on, with any number of workers
#                          (unse.core.drain, installed by config/asgi.py; docs/deploy.md "Rolling restart")
#   KEEPALIVE_TIMEOUT      idle keep-alive seconds; above nginx's upstream keepalive_timeout (60 s)
#   FORWARDED_ALLOW_IPS    proxies whose X-Forwarded-* are trusted (default 127.0.0.1,::1)
#   PROMETHEUS_MULTIPROC_DIR  emptied here at start; set automatically when WEB_CONCURRENCY > 1
set -euo pipefail
cd "$(dirname "$0")/.."

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
WORKERS="${WEB_CONCURRENCY:-1}"
UVICORN="${UVICORN:-.venv/bin/uvicorn}"
if [ ! -x "$UVICORN" ]; then
  UVICORN="$(command -v uvicorn)"
fi

if [ "$WORKERS" -gt 1 ] && [ -z "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  export PROMETHEUS_MULTIPROC_DIR="var/prometheus"
fi
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  # Files of a previous run would be added to this run's counters.
  rm -rf "${PROMETHEUS_MULTIPROC_DIR:?}"
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi

exec "$UVICORN" config.asgi:application \
  --host "$HOST" --port "$PORT" --workers "$WORKERS" \
  --loop uvloop --http unse.core.http_protocol:LeanHttpToolsProtocol --lifespan off \
  --timeout-graceful-shutdown "${GRACEFUL_TIMEOUT:-120}" \
  --timeout-keep-alive "${KEEPALIVE_TIMEOUT:-75}" \
  --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1,::1}" \
  --no-access-log
