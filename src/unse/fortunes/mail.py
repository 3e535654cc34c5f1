"""The morning-fortune mail's parts (issue 20): a plain-text part without Markdown, the HTML part, and the
one-click unsubscribe of RFC 8058 (`List-Unsubscribe` + `List-Unsubscribe-Post`) by a signed link that
needs no login and no database lookup to verify."""

from __future__ import annotations

import html
import re

from django.conf import settings
from django.core import signing

from unse.readings.sanitize import render_markdown

UNSUBSCRIBE_SALT = "unse.fortunes.unsubscribe"
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|tr|table|ul|ol|blockquote|div)>|<br\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
_CELL = re.compile(r"</t[dh]>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def plain_text(markdown: str) -> str:
    """The reading as plain text for the mail's text part: no `#`, `**`, `|` tables or other markup."""
    rendered = render_markdown(markdown)
    rendered = _LIST_ITEM.sub("· ", rendered)
    rendered = _CELL.sub(" ", rendered)
    rendered = _BLOCK_END.sub("\n", rendered)
    text = html.unescape(_TAG.sub("", rendered))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_user_id(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(user_id: int) -> str:
    return f"{settings.SITE_SCHEME}://{settings.SITE_DOMAIN}/unsubscribe/{unsubscribe_token(user_id)}/"


def unsubscribe_headers(user_id: int) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
