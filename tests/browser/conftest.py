"""Real-browser tests: a real uvicorn server (subprocess, free loopback port, private SQLite database,
release step first) driven by Playwright through Debian's Chromium (`scripts/install-browser.sh`).

Playwright's own browser download is never used. Screenshots go to artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts" / "screenshots"
PHONE = {"width": 360, "height": 640}
SERVER_START_TIMEOUT = 90.0
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    mail_dir: Path
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_env(tmp: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "LLM_API_KEY", "LLM_BASE_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.browser.server_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "BROWSER_STATIC_ROOT": str(tmp / "static"),
            "BROWSER_MAIL_DIR": str(tmp / "mail"),
            "SECRET_KEY": "browser-test-secret-key-not-for-production",
            # Production-like settings (DEBUG off) insist on a key for the encrypted account fields.
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            # Every test is one anonymous visitor on 127.0.0.1; the rate limiter has tests of its own.
            "RATE_LIMIT_ANON": "1000/hour;1000/day",
        }
    )
    env.update(extra)
    return env


def start_server(
    tmp: Path, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], LiveServer]:
    (tmp / "mail").mkdir(parents=True, exist_ok=True)
    env = _server_env(tmp, extra_env or {})
    release = subprocess.run(
        [sys.executable, "manage.py", "release"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    if release.returncode != 0:
        raise RuntimeError(
            f"release step failed:\n{release.stdout.decode()}\n{release.stderr.decode()[-4000:]}"
        )
    port = _free_port()
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--timeout-graceful-shutdown",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{(tmp / 'server.log').read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/health/", timeout=1.0).status_code == 200:
                return proc, LiveServer(url=url, mail_dir=tmp / "mail", env=env)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("server did not become healthy in time")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def live_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    proc, server = start_server(tmp_path_factory.mktemp("browser-server"))
    try:
        yield server
    finally:
        stop_server(proc)


# Module scope, not session: while Playwright's sync API is active it keeps an event loop running in the
# main thread, which would break every later (non-browser) test that calls an async view through
# Django's sync test client ("You cannot use AsyncToSync in the same thread as an async event loop").
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run scripts/install-browser.sh (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


# Sub-resource URLs (by path suffix) that a test makes fail on purpose, per page.
_ALLOWED_FAILURES: weakref.WeakKeyDictionary[object, set[str]] = weakref.WeakKeyDictionary()


def allow_failure(page: object, path_suffix: str) -> None:
    _ALLOWED_FAILURES.setdefault(page, set()).add(path_suffix)


def _unexpected(page: object, url: str) -> bool:
    return not any(url.endswith(suffix) for suffix in _ALLOWED_FAILURES.get(page, set()))


def new_page(
    browser: object,
    server: LiveServer,
    viewport: dict[str, int] = PHONE,
    *,
    permissions: Sequence[str] = (),
) -> Iterator[object]:
    context = browser.new_context(viewport=viewport, locale="ko-KR", base_url=server.url)  # type: ignore[attr-defined]
    if permissions:
        context.grant_permissions(list(permissions), origin=server.url)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # Chromium logs every >= 400 response as a console error; sub-resources are checked through the
    # response hook instead, so a form page answered with 400 (validation) is not mistaken for a failure.
    pg.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    pg.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document" and _unexpected(pg, r.url)
            else None
        ),
    )
    try:
        yield pg
        assert not errors, f"JavaScript errors or CSP violations in the browser console: {errors}"
    finally:
        context.close()


@pytest.fixture
def page(browser: object, live_server_url: LiveServer) -> Iterator[object]:
    yield from new_page(browser, live_server_url)


def screenshot(page: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
