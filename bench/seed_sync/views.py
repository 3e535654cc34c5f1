"""The seed's original relay: a SYNC view holding one gthread thread per open stream for its whole life.

Per upstream chunk it builds an SDK model object, a json.dumps and one SSE event, like bench/naive_relay.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt
from openai import OpenAI

_client: OpenAI | None = None


def _openai() -> OpenAI:
    global _client
    if _client is None:
        _client = OpenAI(base_url=settings.LLM_BASE_URL, api_key="bench", max_retries=0)
    return _client


@csrf_exempt
def stream(request: HttpRequest) -> StreamingHttpResponse:
    question = json.loads(request.body or b"{}").get("question", "사주를 풀어 주세요.")

    def events() -> Iterator[str]:
        upstream = _openai().chat.completions.create(
            model=settings.LLM_MODEL,
            messages=[{"role": "user", "content": question}],
            stream=True,
        )
        try:
            yield "event: meta\ndata: {}\n\n"
            for chunk in upstream:
                if chunk.choices and chunk.choices[0].delta.content:
                    yield (
                        "event: delta\ndata: " + json.dumps({"text": chunk.choices[0].delta.content}) + "\n\n"
                    )
            yield "event: done\ndata: {}\n\n"
        finally:
            upstream.close()

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    return response
