"""The share link's Open Graph image: a real 1200×630 PNG, cached, gone with the share, and showing the
pillars only when the owner opted in to birth data."""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import caches
from PIL import Image

from unse.accounts import share_card
from unse.accounts.services.library import saved_reading_create, share_create, share_revoke

from .factories import ProfileFactory, UserFactory
from .test_library_shares import _full_reading_text, _reading

pytestmark = pytest.mark.django_db

PILLARS = {"연주": "庚午(경오)", "월주": "辛巳(신사)", "일주": "壬午(임오)", "시주": "丁未(정미)"}


@pytest.fixture
def owner(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture(autouse=True)
def _fresh_cache():
    caches["default"].clear()


def _saved(owner):
    profile = ProfileFactory(user=owner, label="김민지", birth={"datetime": "1990-05-17T14:30:00"})
    return saved_reading_create(
        user=owner,
        reading_public_id=_reading(text=_full_reading_text(), facts={"사주": PILLARS}).public_id,
        profile_public_id=profile.public_id,
    )


def test_the_share_page_points_at_a_1200x630_png_by_token(client, owner):
    share = share_create(user=owner, saved_public_id=_saved(owner).public_id)
    client.logout()
    html = client.get(f"/s/{share.token}/").content.decode()
    url = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert url == f"http://testserver/s/{share.token}/card.png"  # absolute, opaque: no birth data
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=3600"
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))


def test_the_image_is_drawn_once_then_served_from_the_cache(client, owner, monkeypatch):
    share = share_create(user=owner, saved_public_id=_saved(owner).public_id)
    drawn = []
    real = share_card.draw_share_card
    monkeypatch.setattr(share_card, "draw_share_card", lambda card: drawn.append(card) or real(card))
    first = client.get(f"/s/{share.token}/card.png").content
    second = client.get(f"/s/{share.token}/card.png").content
    assert first == second and len(drawn) == 1


def test_a_revoked_or_unknown_share_has_no_image(client, owner):
    share = share_create(user=owner, saved_public_id=_saved(owner).public_id)
    assert client.get(f"/s/{share.token}/card.png").status_code == 200
    share_revoke(user=owner, public_id=share.public_id)
    assert client.get(f"/s/{share.token}/card.png").status_code == 404
    assert client.get("/s/not-a-token/card.png").status_code == 404


def test_pillars_reach_the_drawing_only_when_the_owner_opted_in(client, owner, monkeypatch):
    saved = _saved(owner)
    private = share_create(user=owner, saved_public_id=saved.public_id)
    opted_in = share_create(user=owner, saved_public_id=saved.public_id, include_birth=True)
    drawn: list[share_card.ShareCard] = []
    real = share_card.draw_share_card
    monkeypatch.setattr(share_card, "draw_share_card", lambda card: drawn.append(card) or real(card))

    redacted_png = client.get(f"/s/{private.token}/card.png").content
    full_png = client.get(f"/s/{opted_in.token}/card.png").content
    redacted, full = drawn
    assert redacted.title == "공유된 사주 풀이" and redacted.pillars == ()
    assert redacted.sentences and "큰 강처럼" in redacted.sentences
    everything = f"{redacted.title} {redacted.sentences}"
    for leak in ("김민지", "庚午", "辛巳", "丁未", "경오", "신사", "정미", "1990", "대운"):
        assert leak not in everything, leak
    assert full.title == saved.title
    assert full.pillars == (
        ("시주", "丁未(정미)"),
        ("일주", "壬午(임오)"),
        ("월주", "辛巳(신사)"),
        ("연주", "庚午(경오)"),
    )
    assert redacted_png != full_png


def test_the_drawing_survives_long_text_and_a_missing_font(monkeypatch):
    card = share_card.ShareCard(title="아주 긴 제목 " * 20, sentences="한눈에보기" * 200, pillars=())
    assert Image.open(io.BytesIO(share_card.draw_share_card(card))).size == (1200, 630)
    share_card._font.cache_clear()
    monkeypatch.setattr(share_card, "_SANS", share_card._FONTS / "missing.woff2")
    try:
        assert Image.open(io.BytesIO(share_card.draw_share_card(card))).size == (1200, 630)
    finally:
        share_card._font.cache_clear()
