"""What the seed service did: per upstream chunk, an SDK model object, a json.dumps and one SSE event."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt
from openai import AsyncOpenAI

_client: AsyncOpenAI | None = None


def _openai() -> AsyncOpenAI:
    global _client
    if _client is None:
        _client = AsyncOpenAI(base_url=settings.LLM_BASE_URL, api_key="bench")
    return _client


@csrf_exempt
async def stream(request: HttpRequest) -> StreamingHttpResponse:
    question = json.loads(request.body or b"{}").get("question", "사주를 풀어 주세요.")

    async def events() -> AsyncIterator[str]:
        upstream = await _openai().chat.completions.create(
            model=settings.LLM_MODEL,
            messages=[{"role": "user", "content": question}],
            stream=True,
        )
        try:
            yield "event: meta\ndata: {}\n\n"
            async for chunk in upstream:
                if chunk.choices and chunk.choices[0].delta.content:
                    yield (
                        "event: delta\ndata: " + json.dumps({"text": chunk.choices[0].delta.content}) + "\n\n"
                    )
            yield "event: done\ndata: {}\n\n"
        finally:
            await upstream.close()

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
