"""Navigation links of the header: a page appears in the menu as soon as its URL exists, so the menu
follows the parts of the service as they land (보관함 and 오늘의 운세 need accounts and the batch)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@dataclass(frozen=True, slots=True)
class NavLink:
    key: str
    label: str
    url_name: str
    needs_login: bool


NAV_LINKS: tuple[NavLink, ...] = (
    NavLink("today", "오늘의 운세", "web:today", needs_login=False),
    NavLink("year", "신년운세", "web:year", needs_login=False),
    NavLink("calendar", "만세력", "web:calendar_today", needs_login=False),
    NavLink("chat", "상담", "web:chat", needs_login=True),
    NavLink("library", "보관함", "accounts:library", needs_login=True),
    NavLink("profile", "내 정보", "accounts:profile", needs_login=True),
    NavLink("gunghap", "궁합", "web:gunghap", needs_login=False),
)


@register.simple_tag(takes_context=True)
def nav_links(context: template.Context) -> list[dict[str, str]]:
    request = context.get("request")
    user = getattr(request, "user", None)
    logged_in = bool(user is not None and user.is_authenticated)
    links = []
    for link in NAV_LINKS:
        if link.needs_login and not logged_in:
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        links.append({"key": link.key, "label": link.label, "url": url})
    return links
