"""The benchmark's baseline: a naive AI relay (AsyncOpenAI, one SSE event per upstream chunk, Django
StreamingHttpResponse), run by bench/streams.py with its own tiny settings and URLs."""
