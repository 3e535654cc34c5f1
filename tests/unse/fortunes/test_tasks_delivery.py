"""Celery tasks run eagerly in-process (the real-worker test is test_celery_integration) and the morning mail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from config.celery import app
from django.core import mail
from django.utils import timezone

from tests.unse.fortunes.conftest import daily_classes, make_target
from unse.fortunes.mail import plain_text
from unse.fortunes.models import BatchChunk, BatchRun, BatchStatus, FortuneDelivery
from unse.fortunes.services import fortune_deliver
from unse.fortunes.tasks import fan_out_daily_fortunes, send_morning_fortunes
from unse.readings.models import Reading

pytestmark = pytest.mark.django_db(transaction=True)
DAY = date(2026, 11, 25)


@pytest.fixture
def eager(settings: Any) -> Iterator[None]:
    # Celery reads the Django settings live (namespace CELERY): nothing reaches a broker.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    settings.DAILY_FORTUNE_CHUNK_SIZE = 2
    assert app.conf.task_always_eager is True
    yield


def test_fan_out_chunks_generate_everyone_and_finalize_the_run(eager: None) -> None:
    users = [make_target(n=n) for n in range(5)]
    run_id = fan_out_daily_fortunes.delay("2026-11-24").get()
    run = BatchRun.objects.get(pk=run_id)
    assert run.source == "celery" and run.status == BatchStatus.SUCCEEDED
    assert (run.targets, run.done, run.failed) == (5, 5, 0)
    assert BatchChunk.objects.filter(run=run).count() == 3
    assert not BatchChunk.objects.filter(run=run, finished_at__isnull=True).exists()
    assert Reading.objects.filter(kind="daily", period="2026-11-25").count() == daily_classes(users, DAY)


def test_morning_mail_is_korean_and_sent_once(eager: None) -> None:
    user_id = make_target(n=1)
    make_target(n=2, opted_in=False)
    assert send_morning_fortunes.delay(DAY.isoformat()).get() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fortune1@example.com"]
    assert "오늘의 운세" in message.subject and "11월 25일" in message.subject
    assert "사용자1 님" in message.body
    stored = Reading.objects.get(kind="daily", period=DAY.isoformat())
    assert plain_text(stored.text)[:20] in message.body
    # The engine's own line first (the day's pillar and stars), then the class text + the personal lines.
    assert "11월 25일" in message.body.splitlines()[2] and "★" in message.body.splitlines()[2]
    assert "나의 오늘" in message.body and "나의 사주: 연주" in message.body
    assert fortune_deliver(user_id=user_id, day=DAY) is False  # redelivered task: no second mail
    assert len(mail.outbox) == 1
    assert FortuneDelivery.objects.get().status == "sent"


def test_push_channels_are_called_after_the_mail(settings: object) -> None:
    calls.clear()
    settings.DAILY_FORTUNE_EXTRA_CHANNELS = [f"{__name__}.record_push", f"{__name__}.broken_push"]  # type: ignore[attr-defined]
    user_id = make_target(n=3)
    assert fortune_deliver(user_id=user_id, day=DAY) is True
    assert calls == [user_id]
    assert len(mail.outbox) == 1


calls: list[int] = []


def record_push(*, user_id: int, fortune: object) -> bool:
    calls.append(user_id)
    return True


def broken_push(*, user_id: int, fortune: object) -> bool:
    raise RuntimeError("push service down")


def test_a_redelivered_fan_out_reuses_its_run_and_sends_only_unfinished_chunks(settings: Any) -> None:
    from unse.fortunes.batch.fanout import batch_fan_out_plan

    settings.DAILY_FORTUNE_CHUNK_SIZE = 2
    for n in range(5):
        make_target(n=n)
    run_id, chunks = batch_fan_out_plan(base_date=date(2026, 11, 24), force=False, task_id="task-1")
    assert len(chunks) == 3
    BatchChunk.objects.filter(run_id=run_id, first_id=chunks[0][0]).update(finished_at=timezone.now())
    again_id, again = batch_fan_out_plan(base_date=date(2026, 11, 24), force=False, task_id="task-1")
    assert again_id == run_id and again == chunks[1:]
    assert BatchRun.objects.count() == 1


def test_morning_mail_has_one_click_unsubscribe_and_no_markdown(client: Any) -> None:
    # Issue 20: RFC 8058 headers, a text part without raw Markdown, an HTML part; the link works from the
    # mail client (POST without CSRF token or session) and a GET (a link scanner) changes nothing.
    from unse.accounts.models import Profile

    user_id = make_target(n=4)
    assert fortune_deliver(user_id=user_id, day=DAY) is True
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("https://") and url in message.body.splitlines()  # the link on a line of its own
    assert "##" not in message.body and "**" not in message.body
    assert [mimetype for _, mimetype in message.alternatives] == ["text/html"]
    path = "/" + url.split("/", 3)[3]
    assert client.get(path).status_code == 200
    assert Profile.objects.get(user_id=user_id).daily_fortune is True
    csrf_client = type(client)(enforce_csrf_checks=True)
    done = csrf_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "수신을 해지했습니다" in done.content.decode()
    assert Profile.objects.get(user_id=user_id).daily_fortune is False
    assert csrf_client.post(path[:-3] + "xx/").status_code == 404  # a tampered token
