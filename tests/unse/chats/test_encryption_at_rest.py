"""Chat messages are encrypted at rest like profiles (issue 20): a phone number typed into a question is not
readable in the database, yet the chat, its history in the model's context and the export read it back."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from tests.unse.chats.test_api import ask, new_chat
from unse.accounts.services.encryption import encryption_rotate
from unse.chats.models import ChatMessage

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "제 번호는 010-1234-5678 이에요. 올해 이직해도 될까요?"


@sync_to_async
def _raw_contents() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM chats_message ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


async def test_questions_and_answers_are_unreadable_in_the_database(member: Any, settings: Any) -> None:
    settings.LLM_PROVIDERS = []  # the built-in answer: no provider needed
    _user, client = member
    chat = await new_chat(client)
    events = await ask(client, chat["chat_id"], QUESTION)
    assert any(name == "done" for name, _ in events)
    raw = await _raw_contents()
    assert len(raw) == 2 and all(value.startswith("gAAAA") for value in raw)
    assert not any("010-1234-5678" in value or "이직" in value for value in raw)
    stored = [m.content async for m in ChatMessage.objects.order_by("id")]
    assert stored[0] == QUESTION  # the application reads it back
    export = await client.get("/me/export/")
    assert QUESTION in export.content.decode()
    counts = await sync_to_async(encryption_rotate)()
    assert counts["chats.ChatMessage"] == 2  # key rotation covers chats too
