"""AI output sanitizing (whole text and streamed) and safe Markdown rendering."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unse.readings.sanitize import (
    EMAIL_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    StreamSanitizer,
    render_markdown,
    sanitize_text,
)


@pytest.mark.parametrize(
    "dirty",
    [
        "좋은 기운<script>alert(1)</script>입니다",
        "좋은 기운<img src=x onerror=alert(1)>입니다",
        "좋은 기운&lt;script&gt;alert(1)&lt;/script&gt;입니다",
        "좋은 기운<scr<b>ipt>alert(1)</script>입니다",
    ],
)
def test_html_is_removed(dirty: str) -> None:
    clean = sanitize_text(dirty)
    assert "<" not in clean.replace("alert(1)", "")
    assert "script>" not in clean and "onerror" not in clean
    assert clean.startswith("좋은 기운")


@pytest.mark.parametrize(
    ("text", "placeholder"),
    [
        ("문의는 hong.gildong+saju@example.co.kr 로", EMAIL_PLACEHOLDER),
        ("연락처 010-1234-5678 로", PHONE_PLACEHOLDER),
        ("연락처 01012345678 로", PHONE_PLACEHOLDER),
        ("연락처 010 1234 5678 로", PHONE_PLACEHOLDER),
        ("연락처 +82 10-1234-5678 로", PHONE_PLACEHOLDER),
        ("연락처 02-123-4567 로", PHONE_PLACEHOLDER),
        ("대표번호 1588-1234 로", PHONE_PLACEHOLDER),
    ],
)
def test_emails_and_phone_numbers_are_scrubbed(text: str, placeholder: str) -> None:
    clean = sanitize_text(text)
    assert placeholder in clean
    assert not any(char.isdigit() for char in clean.replace("82", "")) or "@" not in clean


def test_ordinary_numbers_survive() -> None:
    text = "## 오행\n\n- 목 2개, 화 1개\n- 2026년 세운은 丙午(병오)입니다."
    assert sanitize_text(text) == text


def test_markdown_renders_without_links_images_or_raw_html() -> None:
    html = render_markdown("## 제목\n\n**굵게** [링크](javascript:alert(1)) ![x](http://e/x.png) <b>태그</b>")
    assert "<h2>제목</h2>" in html
    assert "<strong>굵게</strong>" in html
    assert "<a" not in html and "<img" not in html and "<b>" not in html
    assert "href" not in html and "src=" not in html


def test_markdown_tables_render_as_html_tables_without_attributes() -> None:
    # The shape of the built-in reading's 오행 table (src/saju/reading/natal.py), alignment included.
    text = "| 오행 | 드러난 글자 수 | 가중 비율 |\n|:---|---:|---|\n| 목(木) | 2 | 25.0% |\n| <b>화</b> | [x](http://e) | 1 |"
    html = render_markdown(text)
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert "<th>오행</th>" in html
    assert "<td>목(木)</td>" in html and "<td>25.0%</td>" in html
    assert "|" not in html
    assert "style=" not in html and "<a" not in html and "<b>" not in html


DANGEROUS = (
    "안녕 <script>x</script> 메일 a.b@example.com 전화 010-1234-5678 끝 &lt;b&gt; 굵게 <i>기울임</i>\n"
)


@given(cuts=st.lists(st.integers(min_value=0, max_value=len(DANGEROUS)), max_size=12))
@settings(max_examples=200, deadline=None)
def test_streamed_sanitizing_equals_whole_text_sanitizing_for_any_token_split(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    pieces = [DANGEROUS[a:b] for a, b in zip([0, *points], [*points, len(DANGEROUS)], strict=True)]
    sanitizer = StreamSanitizer()
    out = "".join(sanitizer.feed(piece) for piece in pieces) + sanitizer.finish()
    assert out == sanitize_text(DANGEROUS)
    assert "<script>" not in out and "a.b@example.com" not in out and "1234-5678" not in out


def test_stream_sanitizer_releases_text_while_streaming() -> None:
    sanitizer = StreamSanitizer()
    released = sanitizer.feed("선생님의 일간은 ")
    released += sanitizer.feed("庚金이에요. 다음")
    assert released.startswith("선생님의 일간은")
