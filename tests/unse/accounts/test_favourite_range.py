"""Favourite dates outside 1900–2100 (issue 20, finding 6): refused on create/update by the web form and the
API, and a row saved before the check never breaks the favourites page or the export and can be repaired."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command

from unse.accounts.models import FavouriteDate

from .factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    user = UserFactory()
    client.force_login(user)
    ProfileFactory(user=user, label="나", is_default=True)
    return user


@pytest.mark.parametrize("day", ["2101-03-01", "1899-12-31"])
def test_web_form_refuses_a_date_outside_the_calendar(client, owner, day):
    response = client.post("/me/favourites/", {"day": day, "label": "먼 날", "memo": "", "colour": "red"})
    assert response.status_code == 200  # the form again, with the reason
    assert "1900년부터 2100년까지" in response.content.decode()
    assert not FavouriteDate.objects.exists()


def test_api_refuses_create_and_update_outside_the_calendar(client, owner):
    far = client.post(
        "/api/v1/me/favourites",
        data=json.dumps({"day": "2101-03-01", "label": "x"}),
        content_type="application/json",
    )
    assert far.status_code == 400 and far.json()["error"]["details"]["field"] == "day"
    assert not FavouriteDate.objects.exists()  # before: saved, then answered 400 on every read
    ok = client.post(
        "/api/v1/me/favourites",
        data=json.dumps({"day": "2026-03-01", "label": "x"}),
        content_type="application/json",
    ).json()
    patched = client.patch(
        f"/api/v1/me/favourites/{ok['id']}",
        data=json.dumps({"day": "1850-01-01"}),
        content_type="application/json",
    )
    assert patched.status_code == 400
    assert FavouriteDate.objects.get().day == date(2026, 3, 1)


def test_an_old_out_of_range_row_still_renders_exports_deletes_and_is_repaired(client, owner):
    legacy = FavouriteDate.objects.create(user=owner, day=date(2101, 3, 1), label="먼 훗날", memo="메모")
    page = client.get("/me/favourites/")
    assert page.status_code == 200 and "먼 훗날" in page.content.decode()
    assert client.get("/api/v1/me/favourites").json()["items"][0]["iljin"]["pillar"] is None
    assert client.get("/me/export/").status_code == 200

    call_command("repair_favourite_dates")
    legacy.refresh_from_db()
    assert (
        legacy.day == date(2100, 12, 31) and "원래 날짜 2101-03-01" in legacy.memo and "메모" in legacy.memo
    )
    assert client.post(f"/me/favourites/{legacy.public_id}/delete/").status_code == 302
    assert not FavouriteDate.objects.exists()
