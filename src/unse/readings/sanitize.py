"""Sanitizing AI output before it is streamed, stored or shown, and rendering Markdown safely.

AI text is treated as untrusted: HTML tags are removed (the text stays Markdown), e-mail addresses and
phone numbers are scrubbed, and rendering goes through markdown-it with raw HTML disabled and then nh3
(an allow-list HTML sanitizer), so neither the model nor a prompt injection can put markup on our pages.

`StreamSanitizer` applies the same rules to a token stream: it only releases text up to a safe cut point
(a space not inside an unfinished tag, e-mail or phone number), so a scrubbed pattern can never be split
across two SSE events and escape the scrubber.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

EMAIL_PLACEHOLDER = "[이메일 삭제]"
PHONE_PLACEHOLDER = "[전화번호 삭제]"

_TAG_RE = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+(?:@|＠)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# Korean mobile/landline/representative numbers and +82 forms, separated by -, ., space or nothing.
_PHONE_RE = re.compile(
    r"(?<![\d])(?:\+?82[\s\-.]?\(?0?\)?|0)(?:1[016789]|2|[3-6][1-5]|70|50\d?)[\s\-.)]?\d{3,4}[\s\-.]?\d{4}(?!\d)"
    r"|(?<![\d])1[5-9]\d{2}[\-.]\d{4}(?!\d)"
)
# Text after this many characters without a safe cut point is released anyway (no unbounded holdback).
MAX_HOLDBACK_CHARS = 400

_ALLOWED_TAGS = {"h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "br", "blockquote", "hr"}
# GFM tables (the built-in reading's 오행 table); alignment arrives as a style attribute, which is dropped.
_TABLE_TAGS = {"table", "thead", "tbody", "tr", "th", "td"}
_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("table")
    .disable(["image", "link", "autolink", "html_inline", "html_block"])
)


def _strip_tags(text: str) -> str:
    # Loop because removing one tag can join the halves of another ("<scr<b>ipt>").
    previous = None
    while previous != text:
        previous = text
        text = _TAG_RE.sub("", text)
    return text


def sanitize_text(text: str) -> str:
    """Plain Markdown without HTML, e-mail addresses or phone numbers."""
    text = _strip_tags(html.unescape(text))
    text = _EMAIL_RE.sub(EMAIL_PLACEHOLDER, text)
    text = _PHONE_RE.sub(PHONE_PLACEHOLDER, text)
    return text.replace("\x00", "")


def render_markdown(text: str) -> str:
    """Safe HTML for templates (`{{ html|safe }}` is fine on this output): no raw HTML, links or images."""
    rendered = _markdown.render(sanitize_text(text))
    return nh3.clean(rendered, tags=_ALLOWED_TAGS | _TABLE_TAGS, attributes={}, url_schemes=set())


class StreamSanitizer:
    """Incremental `sanitize_text` for streamed deltas; `feed` + `finish` output equals whole-text rules."""

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, piece: str) -> str:
        self._pending += piece
        cut = self._safe_cut(self._pending)
        if cut <= 0:
            return ""
        released, self._pending = self._pending[:cut], self._pending[cut:]
        return sanitize_text(released)

    def finish(self) -> str:
        released, self._pending = self._pending, ""
        return sanitize_text(released) if released else ""

    @staticmethod
    def _safe_cut(buffer: str) -> int:
        limit = len(buffer)
        open_tag = buffer.rfind("<")
        if open_tag != -1 and buffer.find(">", open_tag) == -1 and limit - open_tag < MAX_HOLDBACK_CHARS:
            limit = open_tag
        amp = buffer.rfind("&", 0, limit)
        if amp != -1 and ";" not in buffer[amp:limit] and limit - amp < MAX_HOLDBACK_CHARS:
            limit = amp
        # Cut after a whitespace whose previous character cannot be part of a phone number or e-mail.
        index = limit - 1
        while index > 0:
            char = buffer[index]
            if char in " \n\t" and not _joins_token(buffer[index - 1]):
                return index + 1
            index -= 1
        if len(buffer) >= MAX_HOLDBACK_CHARS:
            return limit
        return 0


def _joins_token(char: str) -> bool:
    return char.isdigit() or char in "@＠.-+()"


# A greeting or a title line says nothing about the reading in a link preview.
_GREETING = re.compile(r"^(안녕하세요|반갑습니다|안녕!?)")
_MARKUP = re.compile(r"[*_`>#|~]+")


def plain_preview(text: str, *, limit: int = 150) -> str:
    """A clean one-paragraph preview of a Markdown reading (Open Graph description, previews): no raw
    Markdown (**, #, tables), no headings, no greeting line; cut at a sentence end when one is near."""
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("|") or _GREETING.match(line):
            continue
        cleaned = " ".join(_MARKUP.sub("", line).split())
        if cleaned and not set(cleaned) <= set("-: "):
            lines.append(cleaned)
    plain = " ".join(lines)
    if len(plain) <= limit:
        return plain
    cut = plain[:limit]
    end = max(cut.rfind("다."), cut.rfind("요."))
    return cut[: end + 2] if end >= limit // 2 else cut.rstrip() + "…"
