"""Dev mail (issue 20): each message goes to the console and to its own .eml file, links intact."""

from __future__ import annotations

import email
import io
from email import policy
from pathlib import Path

from django.core.mail import EmailMessage, get_connection

LINK = "http://127.0.0.1:8000/accounts/confirm-email/MQ:abc123/"


def test_each_message_is_printed_and_saved_as_its_own_eml(tmp_path: Path, settings) -> None:
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    console = io.StringIO()
    connection = get_connection("unse.core.mail.DevMailBackend", stream=console)
    messages = [
        EmailMessage(
            subject=f"[사주 명식] 이메일 확인 {n}",
            body=f"아래 링크를 여세요.\n\n{LINK}\n",
            to=["me@example.com"],
        )
        for n in range(2)
    ]
    assert connection.send_messages(messages) == 2
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None and LINK in body.get_content().splitlines()  # the link on a line of its own
    assert "이메일 확인" in str(parsed["Subject"])
    printed = console.getvalue()
    assert "saved as" in printed and str(files[0].parent) in printed
