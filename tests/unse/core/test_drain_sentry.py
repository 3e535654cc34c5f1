"""The drain switches and error reporting to Sentry."""

from __future__ import annotations

import os
import signal

import pytest
from django.core.management import call_command

from unse.core import drain

pytestmark = [pytest.mark.urls("tests.unse.core.urls")]


def test_sigusr2_drains_this_process():
    assert drain.install_signal_handler() is True
    assert drain.is_draining() is False
    os.kill(os.getpid(), drain.DRAIN_SIGNAL)
    assert drain.is_draining() is True
    drain.drain_stop()
    assert drain.is_draining() is False
    signal.signal(drain.DRAIN_SIGNAL, signal.SIG_DFL)


def test_drain_command_toggles_the_file(capsys):
    call_command("drain", "on")
    assert drain.drain_file().exists()
    assert "draining" in capsys.readouterr().out
    call_command("drain", "off")
    assert not drain.drain_file().exists()
    assert "serving" in capsys.readouterr().out


async def test_unknown_exceptions_are_sent_to_sentry(async_client, monkeypatch):
    import sentry_sdk

    captured: list[BaseException] = []
    monkeypatch.setattr(sentry_sdk, "capture_exception", lambda exc: captured.append(exc))
    await async_client.get("/api/t/bug-async/")
    assert len(captured) == 1 and isinstance(captured[0], ZeroDivisionError)


async def test_expected_service_errors_are_not_sent_to_sentry(async_client, monkeypatch):
    import sentry_sdk

    captured: list[BaseException] = []
    monkeypatch.setattr(sentry_sdk, "capture_exception", lambda exc: captured.append(exc))
    await async_client.get("/api/t/service-error-async/")
    assert captured == []
