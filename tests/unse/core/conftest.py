from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from asgiref.sync import SyncToAsync
from config.sentry import sentry_options
from django.db import connections

from unse.core import health, maintenance
from unse.core.drain import drain_stop


@pytest.fixture(autouse=True)
def _clean_core_state() -> Iterator[None]:
    checks = dict(health._registry)
    maintenance.reset_maintenance_memo()
    drain_stop()
    yield
    health._registry.clear()
    health._registry.update(checks)
    maintenance.set_maintenance_flag(False)
    drain_stop()


@pytest.fixture(autouse=True)
def _release_thread_connections() -> Iterator[None]:
    # The test client does not close connections at request end (Django disconnects that signal in
    # tests), so connections opened by sync_to_async in asgiref's shared executor thread would stay
    # checked out of the PostgreSQL pool and block dropping the test database.
    yield
    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)


class _Recorder(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli  # type: ignore[import-not-found]

            raw = brotli.decompress(raw)
        type(self).bodies.append(raw)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def fake_sentry() -> Iterator[list[bytes]]:
    _Recorder.bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    dsn = f"http://public@127.0.0.1:{server.server_address[1]}/1"
    sentry_sdk.init(**sentry_options(dsn=dsn, environment="test", release=None, traces_sample_rate=0.0))
    try:
        yield _Recorder.bodies
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init(dsn=None)
        server.shutdown()
        server.server_close()
