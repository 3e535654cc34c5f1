"""Summary text and numbers, progress output, and the Slack/Discord webhook against a local receiver."""

from __future__ import annotations

import io
from datetime import date

from tests.unse.fortunes.conftest import Receiver
from unse.fortunes.batch.progress import BarProgress, LogProgress, progress_for
from unse.fortunes.batch.summary import BatchCounters, BatchSummary, Outcome, UserResult
from unse.fortunes.batch.webhook import WebhookFormat, webhook_format_for, webhook_send


def summary_of(*, done: int, failed: int, dry_run: bool = False) -> BatchSummary:
    counters = BatchCounters()
    for i in range(done):
        counters.add(UserResult(user_id=i, outcome=Outcome.GENERATED, tokens=10))
    for i in range(failed):
        counters.add(UserResult(user_id=1000 + i, outcome=Outcome.FAILED, cause="AI_TIMEOUT"))
    counters.add(UserResult(user_id=5000, outcome=Outcome.SKIPPED))
    return BatchSummary.from_counters(
        counters, target_date=date(2026, 11, 25), dry_run=dry_run, elapsed_seconds=2.0, max_failure_share=0.05
    )


def test_summary_numbers_and_verdict() -> None:
    good = summary_of(done=99, failed=0)
    assert (good.targets, good.done, good.skipped, good.failed, good.tokens) == (100, 99, 1, 0, 990)
    assert good.rate_per_second == 50.0
    assert good.ok
    bad = summary_of(done=89, failed=10)
    assert not bad.ok
    assert dict(bad.failures_by_cause) == {"AI_TIMEOUT": 10}
    text = bad.to_text()
    assert "실패율 초과" in text and "AI_TIMEOUT 10" in text and "2026-11-25" in text
    assert bad.to_dict()["failure_share"] == 0.1


def test_webhook_posts_slack_format_to_the_receiver(receiver: str) -> None:
    assert webhook_send(summary=summary_of(done=5, failed=1), url=receiver) is True
    assert len(Receiver.received) == 1
    text = Receiver.received[0]["text"]
    assert isinstance(text, str) and "생성 5" in text and "실패 1" in text


def test_webhook_failure_is_reported_not_raised(receiver: str) -> None:
    Receiver.status = 500
    assert webhook_send(summary=summary_of(done=1, failed=0), url=receiver) is False
    assert webhook_send(summary=summary_of(done=1, failed=0), url="http://127.0.0.1:1/none") is False


def test_webhook_format_follows_the_url() -> None:
    assert webhook_format_for("https://discord.com/api/webhooks/1/abc") is WebhookFormat.DISCORD
    assert webhook_format_for("https://hooks.slack.com/services/T/B/X") is WebhookFormat.SLACK


def test_progress_is_a_bar_on_a_terminal_and_log_lines_otherwise() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert isinstance(progress_for(Tty(), every_seconds=1), BarProgress)
    assert isinstance(progress_for(io.StringIO(), every_seconds=1), LogProgress)


def test_log_progress_emits_periodic_lines() -> None:
    now = [0.0]
    lines: list[str] = []
    progress = LogProgress(every_seconds=10, emit=lines.append, clock=lambda: now[0])
    progress.start(3)
    counters = BatchCounters()
    counters.add(UserResult(user_id=1, outcome=Outcome.GENERATED))
    progress.update(counters)
    assert len(lines) == 1  # only the start line: 10 s have not passed
    now[0] = 11.0
    progress.update(counters)
    assert len(lines) == 2 and "1/3" in lines[-1]
    progress.stop(counters)
    assert len(lines) == 3
