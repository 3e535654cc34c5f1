"""Account mail in our own Korean words, links on a line of their own, the site named from SITE_NAME
(issue 20, "Mail done once, done right"): before, allauth's English templates glued the link to the text
and named the site "example.com"."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core import mail

from .factories import UserFactory, signup_form

pytestmark = pytest.mark.django_db

URL_LINE = re.compile(r"^https?://\S+$")


def _link_lines(body: str) -> list[str]:
    return [line for line in body.splitlines() if "://" in line]


def test_verification_mail_is_korean_with_the_link_alone_on_its_line(
    client, django_capture_on_commit_callbacks
):
    email = f"u{uuid.uuid4().hex[:12]}@example.com"
    data = signup_form(email)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/signup/", data).status_code == 302
    message = mail.outbox[-1]
    assert message.subject == "[사주 명식] 이메일 주소를 확인해 주세요"
    assert "사주 명식" in message.body and "example.com" not in message.body.replace(email, "")
    links = _link_lines(message.body)
    assert len(links) == 1 and URL_LINE.match(links[0]) and "/accounts/confirm-email/" in links[0]
    assert not re.search(r"[A-Za-z]{4,}", message.body.replace(links[0], "").replace(email, ""))  # no English


def test_password_reset_mail_is_korean_with_the_link_alone_on_its_line(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="reset@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/password/reset/", {"email": user.email}).status_code == 302
    message = mail.outbox[-1]
    assert message.subject == "[사주 명식] 비밀번호 재설정 안내"
    links = _link_lines(message.body)
    assert len(links) == 1 and URL_LINE.match(links[0]) and "/accounts/password/reset/key/" in links[0]
