"""보관함 and share links: save, paginate (constant queries), owner scoping, tokens, OG tags, revocation."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.unse.readings.factories import ReadingFactory
from unse.accounts.models import SavedReading, Share
from unse.accounts.services.deletion import user_delete
from unse.accounts.services.library import saved_reading_create, share_create
from unse.readings.models import Reading

from .factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

PILLARS = {"연주": "庚午(경오)", "월주": "辛巳(신사)", "일주": "庚辰(경진)", "시주": "癸未(계미)"}


def _reading(**extra) -> Reading:
    fields = {
        "text": "## 성격\n\n경금 일간은 **결단력**이 있습니다.",
        "facts": {"사주": PILLARS, "일간": "庚金(경금)"},
        **extra,
    }
    return ReadingFactory(**fields)


@pytest.fixture
def owner(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _json(client, method, path, payload=None):
    return getattr(client, method)(path, data=json.dumps(payload or {}), content_type="application/json")


def test_save_list_view_and_delete_over_the_api(client, owner):
    profile = ProfileFactory(user=owner, label="나", is_default=True)
    reading = _reading()
    created = _json(
        client,
        "post",
        "/api/v1/me/saved",
        {"reading_id": reading.public_id, "profile_id": str(profile.public_id)},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["title"] == "나 · 사주 풀이" and body["pillars"] == PILLARS and "결단력" in body["text"]
    assert "no-store" in created["Cache-Control"]
    reading.delete()  # the cached reading may be evicted: the saved copy stays readable
    detail = client.get(f"/api/v1/me/saved/{body['id']}").json()
    assert "결단력" in detail["text"]

    missing = _json(client, "post", "/api/v1/me/saved", {"reading_id": "no-such-reading"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    assert client.delete(f"/api/v1/me/saved/{body['id']}").status_code == 204
    assert client.get("/api/v1/me/saved").json()["total"] == 0


def test_library_is_paginated_newest_first(client, owner, settings):
    settings.ACCOUNTS_PAGE_SIZE = 3
    titles = [f"풀이 {n}" for n in range(7)]
    for title in titles:
        saved_reading_create(user=owner, reading_public_id=_reading().public_id, title=title)
    first = client.get("/api/v1/me/saved").json()
    assert [i["title"] for i in first["items"]] == ["풀이 6", "풀이 5", "풀이 4"]
    assert (first["page"], first["pages"], first["total"]) == (1, 3, 7)
    last = client.get("/api/v1/me/saved?page=3").json()
    assert [i["title"] for i in last["items"]] == ["풀이 0"]
    html = client.get("/me/library/?page=2").content.decode()
    assert "풀이 3" in html and "풀이 6" not in html and "2 / 3쪽" in html


@pytest.mark.parametrize("path", ["/me/library/", "/api/v1/me/saved", "/me/shares/", "/api/v1/me/shares"])
def test_library_lists_run_a_constant_number_of_queries(client, owner, path, django_assert_num_queries):
    profile = ProfileFactory(user=owner)

    def add(n):
        for _ in range(n):
            saved = saved_reading_create(
                user=owner, reading_public_id=_reading().public_id, profile_public_id=profile.public_id
            )
            share_create(user=owner, saved_public_id=saved.public_id)

    add(2)
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    add(12)
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert client.get(path).status_code == 200


def test_share_page_has_og_tags_no_birth_and_an_unguessable_token(client, owner):
    profile = ProfileFactory(user=owner, birth={"datetime": "1990-05-15T14:30:00", "calendar": "solar"})
    saved = saved_reading_create(
        user=owner, reading_public_id=_reading().public_id, profile_public_id=profile.public_id
    )
    made = _json(client, "post", f"/api/v1/me/saved/{saved.public_id}/shares", {})
    assert made.status_code == 201
    url = made.json()["url"]
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 32 and str(Share.objects.get().pk) != token

    client.logout()
    page = client.get(f"/s/{token}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<meta property="og:title"' in html and '<meta property="og:description"' in html
    assert "결단력" in html and "庚辰(경진)" not in html and "경(庚)" in html  # the day master at most
    assert "1990" not in html and "14:30" not in html  # no birth data without the owner's opt-in
    assert page["Referrer-Policy"] == "no-referrer" and "no-store" in page["Cache-Control"]
    assert client.get(f"/s/{Share.objects.get().pk}/").status_code == 404  # never reachable by the pk
    assert client.get(f"/s/{saved.public_id}/").status_code == 404
    assert Share.objects.get().view_count == 1


def test_birth_is_shown_only_when_the_owner_opted_in(client, owner):
    profile = ProfileFactory(user=owner, birth={"datetime": "1990-05-15T14:30:00", "calendar": "solar"})
    saved = saved_reading_create(
        user=owner, reading_public_id=_reading().public_id, profile_public_id=profile.public_id
    )
    response = client.post(f"/me/library/{saved.public_id}/share/", {"include_birth": "on"})
    assert response.status_code == 302
    share = Share.objects.get()
    html = client.get(f"/s/{share.token}/").content.decode()
    assert "1990-05-15" in html and "14:30" in html


def test_revoked_share_is_gone_at_once(client, owner):
    saved = saved_reading_create(user=owner, reading_public_id=_reading().public_id)
    share = share_create(user=owner, saved_public_id=saved.public_id)
    assert client.get(f"/s/{share.token}/").status_code == 200
    assert client.delete(f"/api/v1/me/shares/{share.public_id}").status_code == 204
    gone = client.get(f"/s/{share.token}/")
    assert gone.status_code == 404
    assert client.get("/api/v1/me/shares").json()["items"] == []


def test_foreign_saved_reading_is_404(client, owner):
    other = saved_reading_create(user=UserFactory(), reading_public_id=_reading().public_id)
    assert client.get(f"/api/v1/me/saved/{other.public_id}").status_code == 404
    assert client.delete(f"/api/v1/me/saved/{other.public_id}").status_code == 404
    assert _json(client, "post", f"/api/v1/me/saved/{other.public_id}/shares").status_code == 404
    assert client.get(f"/me/library/{other.public_id}/").status_code == 404
    assert client.post(f"/me/library/{other.public_id}/delete/").status_code == 404
    assert client.post(f"/me/library/{other.public_id}/share/").status_code == 404
    assert SavedReading.objects.filter(pk=other.pk).exists() and not Share.objects.exists()


def test_foreign_share_management_id_is_404(client, owner):
    stranger = UserFactory()
    saved = saved_reading_create(user=stranger, reading_public_id=_reading().public_id)
    share = share_create(user=stranger, saved_public_id=saved.public_id)
    assert client.delete(f"/api/v1/me/shares/{share.public_id}").status_code == 404
    assert client.post(f"/me/shares/{share.public_id}/revoke/").status_code == 404
    share.refresh_from_db()
    assert share.revoked_at is None
    assert client.get("/api/v1/me/shares").json()["items"] == []


def test_foreign_profile_cannot_be_attached_to_a_saved_reading(client, owner):
    foreign = ProfileFactory()
    response = _json(
        client,
        "post",
        "/api/v1/me/saved",
        {"reading_id": _reading().public_id, "profile_id": str(foreign.public_id)},
    )
    assert response.status_code == 404 and not SavedReading.objects.exists()


def test_account_deletion_removes_saved_readings_and_kills_share_links(client, owner):
    saved = saved_reading_create(user=owner, reading_public_id=_reading().public_id)
    share = share_create(user=owner, saved_public_id=saved.public_id)
    user_delete(user=owner)
    assert not SavedReading.objects.exists() and not Share.objects.exists()
    assert client.get(f"/s/{share.token}/").status_code == 404
    assert Reading.objects.count() == 1  # the shared cache holds no personal data and stays


def test_export_includes_saved_readings_and_their_shares(client, owner):
    saved = saved_reading_create(user=owner, reading_public_id=_reading().public_id, title="내 풀이")
    share = share_create(user=owner, saved_public_id=saved.public_id, include_birth=True)
    data = json.loads(client.get("/api/v1/me/export").content)
    assert data["saved_readings"][0]["title"] == "내 풀이"
    assert data["saved_readings"][0]["pillars"] == PILLARS
    assert data["saved_readings"][0]["shares"][0]["url"] == f"/s/{share.token}/"
    assert data["statistics"]["saved_readings"] == 1 and data["statistics"]["shares"] == 1


def _full_reading_text() -> str:
    from datetime import date

    from saju.analysis import analyze
    from saju.birth import BirthInput
    from saju.chart import chart_from_birth
    from saju.reading import Voice, build_reading, reading_to_markdown

    chart = chart_from_birth(
        BirthInput.from_mapping({"datetime": "1990-05-17T14:30", "calendar": "solar", "gender": "female"})
    )
    analysis = analyze(chart, reference=date(2026, 12, 6))
    return reading_to_markdown(build_reading(chart, analysis, reference=date(2026, 12, 6), voice=Voice.PLAIN))


def test_share_without_opt_in_shows_a_redacted_reading(client, owner):
    # Before: the pillars, the 십신 line with all eight characters, the 대운 table (ages, start years) and the
    # profile label were all on the page, enough to recover 1990-05-17 14:xx.
    text = _full_reading_text()
    pillars = {"연주": "庚午(경오)", "월주": "辛巳(신사)", "일주": "壬午(임오)", "시주": "丁未(정미)"}
    profile = ProfileFactory(user=owner, label="김민지", birth={"datetime": "1990-05-17T14:30:00"})
    saved = saved_reading_create(
        user=owner,
        reading_public_id=_reading(text=text, facts={"사주": pillars}).public_id,
        profile_public_id=profile.public_id,
    )
    private = share_create(user=owner, saved_public_id=saved.public_id)
    client.logout()
    html = client.get(f"/s/{private.token}/").content.decode()
    assert "공유된 사주 풀이" in html and "큰 강처럼" in html and "임(壬)" in html
    body = html[html.index("<main") :]
    for leak in ("김민지", "庚午", "辛巳", "丁未", "경오", "신사", "정미", "편재격", "대운"):
        assert leak not in html, leak
    assert not re.search(r"\d+–\d+세|(19|20)\d\d", body)  # no ages, no years

    client.force_login(owner)
    opted_in = share_create(user=owner, saved_public_id=saved.public_id, include_birth=True)
    client.logout()
    full = client.get(f"/s/{opted_in.token}/").content.decode()
    assert "김민지" in full, full
    assert "庚午(경오)" in full
    assert "대운" in full and re.search(r"\d+–\d+세", full) and re.search(r"(19|20)\d\d–(19|20)\d\d년", full)
