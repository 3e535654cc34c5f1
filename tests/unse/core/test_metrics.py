"""/metrics: Prometheus text with request counts and latency, hidden from the public internet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.urls("tests.unse.core.urls")]


async def test_metrics_count_requests_by_route(async_client):
    await async_client.get("/t/ok/")
    await async_client.get("/api/t/not-found/")
    response = await async_client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'unse_http_requests_total{method="GET",route="t/ok/",status="200"}' in text
    assert 'unse_http_requests_total{method="GET",route="api/t/not-found/",status="404"}' in text
    assert 'unse_http_request_duration_seconds_bucket{le="0.005",method="GET",route="t/ok/"}' in text


def test_metrics_hidden_from_other_addresses(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 404
    assert b"unse_http" not in response.content


def test_metrics_hidden_even_through_a_trusted_proxy(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 404


def test_metrics_token_opens_them(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert (
        client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong").status_code
        == 404
    )
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200


_WORKER = """
import os, sys, django
sys.path[:0] = ["src", "."]
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
django.setup()
from unse.core import metrics
for _ in range(int(sys.argv[1])):
    metrics.observe_request(method="GET", route="t/ok/", status=200, seconds=0.01)
if sys.argv[2] == "render":
    sys.stdout.write(metrics.render_metrics()[0].decode())
"""


@pytest.mark.slow  # starts two uvicorn workers (~25 s): `make test`, not `make test-fast`
def test_multiprocess_metrics_add_up_across_workers(tmp_path: Path, settings):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    root = str(settings.BASE_DIR)
    for count in (2, 3):
        subprocess.run([sys.executable, "-c", _WORKER, str(count), "quiet"], env=env, cwd=root, check=True)
    shown = subprocess.run(
        [sys.executable, "-c", _WORKER, "0", "render"],
        env=env,
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert 'unse_http_requests_total{method="GET",route="t/ok/",status="200"} 5.0' in shown
