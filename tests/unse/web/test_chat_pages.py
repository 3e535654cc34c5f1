"""상담 pages: login required; one's own conversations only."""

from __future__ import annotations

import pytest

from unse.accounts.models import User
from unse.chats.services import chat_create


def _user(name: str) -> User:
    return User.objects.create_user(username=name, email=f"{name}@example.com", password="pw-1234-long")


@pytest.mark.django_db
def test_chat_pages_need_login(client):
    response = client.get("/chat/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/chat/")


@pytest.mark.django_db
def test_a_chat_shows_its_question_box_and_only_to_its_owner(client):
    owner = _user("owner")
    chat = chat_create(
        user_id=owner.pk,
        reading_id=None,
        birth={"datetime": "1990-05-15T14:30", "gender": "female", "longitude": 126.978},
        mode="plain",
    )
    client.force_login(owner)
    listing = client.get("/chat/").content.decode()
    assert f"/chat/{chat.public_id}/" in listing
    room = client.get(f"/chat/{chat.public_id}/")
    assert room.status_code == 200
    html = room.content.decode()
    assert '<label for="chat-question">질문</label>' in html
    assert f"/api/v1/chats/{chat.public_id}/messages" in html

    client.force_login(_user("stranger"))
    assert client.get(f"/chat/{chat.public_id}/").status_code == 404


@pytest.mark.django_db
def test_chat_pillars_read_as_text(client):
    owner = _user("reader")
    chat = chat_create(
        user_id=owner.pk,
        reading_id=None,
        birth={"datetime": "1990-05-15T14:30", "gender": "female"},
        mode="plain",
    )
    client.force_login(owner)
    for html in (
        client.get("/chat/").content.decode(),
        client.get(f"/chat/{chat.public_id}/").content.decode(),
    ):
        assert "{&#x27;" not in html and "{'" not in html, "no Python dict repr on the page"
        assert "庚午" in html
