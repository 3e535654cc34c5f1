"""Sharing that spreads: a findable list of links (copy, open, revoke, views), clean previews."""

from __future__ import annotations

import re

import pytest

from tests.unse.accounts.factories import UserFactory
from tests.unse.readings.factories import ReadingFactory
from unse.accounts.services.library import saved_reading_create, share_create
from unse.readings.sanitize import plain_preview

pytestmark = pytest.mark.django_db

TEXT = "# 사주 풀이\n\n안녕하세요! 반가워요.\n\n## 한눈에 보기\n\n**단단한 무쇠처럼**, 의리 있고 결단이 빠른 사람입니다.\n\n| 오행 | 비율 |\n|---|---|\n| 목 | 4% |"


def _saved(user):
    reading = ReadingFactory(text=TEXT)
    return saved_reading_create(user=user, reading_public_id=reading.public_id, title="나의 사주")


def test_preview_text_has_no_markdown_no_heading_and_no_greeting():
    assert plain_preview(TEXT) == "단단한 무쇠처럼, 의리 있고 결단이 빠른 사람입니다."


def test_shares_list_offers_copy_open_revoke_and_views(client):
    user = UserFactory()
    client.force_login(user)
    share = share_create(user=user, saved_public_id=_saved(user).public_id)
    client.logout()
    shared = client.get(f"/s/{share.token}/").content.decode()
    description = re.search(r'<meta property="og:description" content="([^"]*)"', shared).group(1)
    assert description == "단단한 무쇠처럼, 의리 있고 결단이 빠른 사람입니다."
    assert "data-share-copy" in shared  # the shared page can be passed on too
    client.force_login(user)
    html = client.get("/me/shares/").content.decode()
    row = html.split('class="share-row"', 1)[1]
    assert f"/s/{share.token}/" in row and "열람 1회" in row
    assert "data-share-copy" in row and "열어 보기" in row and "링크 끊기" in row
    assert "data-confirm=" in row  # revoking asks once


def test_kakao_button_is_offered_on_saved_and_shared_pages_when_configured(client, settings):
    settings.KAKAO_JS_KEY = "test-kakao-key"
    user = UserFactory()
    client.force_login(user)
    saved = _saved(user)
    share = share_create(user=user, saved_public_id=saved.public_id)
    for path in (f"/me/library/{saved.public_id}/", f"/s/{share.token}/"):
        response = client.get(path)
        assert 'data-kakao-key="test-kakao-key"' in response.content.decode(), path
        assert settings.KAKAO_SDK_ORIGIN in response["Content-Security-Policy"], path


def test_saved_pillars_read_in_the_result_page_order(client):
    user = UserFactory()
    client.force_login(user)
    saved = _saved(user)
    saved.pillars = {"연주": "庚午", "월주": "辛巳", "일주": "庚辰", "시주": "癸未"}
    saved.save()
    html = client.get(f"/me/library/{saved.public_id}/").content.decode()
    assert (
        html.index("<dt>시주</dt>")
        < html.index("<dt>일주</dt>")
        < html.index("<dt>월주</dt>")
        < html.index("<dt>연주</dt>")
    )
