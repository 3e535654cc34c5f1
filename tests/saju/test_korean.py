"""Particles chosen by the sound before them, including a trailing Hangul reading in brackets."""

from __future__ import annotations

import pytest

from saju.core import PILLARS, Element, Pillar
from saju.korean import has_batchim, josa

_RIEUL = 8


def _final(syllable: str) -> int:
    return (ord(syllable) - 0xAC00) % 28


@pytest.mark.parametrize("pillar", PILLARS, ids=lambda p: p.hangul)
def test_josa_after_every_pillar_reads_the_hangul_in_brackets(pillar: Pillar) -> None:
    word = f"{pillar.hanja}({pillar.hangul})"
    last = _final(pillar.hangul[-1])
    assert has_batchim(word) == (last != 0)
    assert josa(word, "으로", "로") == word + ("로" if last in (0, _RIEUL) else "으로")
    assert josa(word, "이", "가") == word + ("이" if last else "가")
    assert josa(word, "을", "를") == word + ("을" if last else "를")
    assert josa(word, "은", "는") == word + ("은" if last else "는")
    assert josa(word, "과", "와") == word + ("과" if last else "와")
    assert josa(f"**{word}**", "이", "가") == f"**{word}**" + ("이" if last else "가")


def test_issue_examples_and_other_forms() -> None:
    assert josa("甲寅(갑인)", "으로", "로") == "甲寅(갑인)으로"
    assert josa("丙辰(병진)", "으로", "로") == "丙辰(병진)으로"
    assert josa("庚金(경금)", "이", "가") == "庚金(경금)이"
    # Hangul before the bracket is what is read: 목(木), 해월(亥月), 충(沖).
    assert josa(Element.WOOD.label, "이", "가") == "목(木)이"
    assert josa(Element.FIRE.label, "으로", "로") == "화(火)로"
    assert josa("해월(亥月)", "은", "는") == "해월(亥月)은"
    assert josa("子午 충(沖)", "을", "를") == "子午 충(沖)을"
    assert josa("**정관**", "이", "가") == "**정관**이"
    # Digits: 1 일, 3 삼, 7 칠, 8 팔 (ㄹ), 2 이, 10 십.
    assert [josa(n, "으로", "로") for n in ("1", "2", "3", "7", "8", "10")] == [
        "1로",
        "2로",
        "3으로",
        "7로",
        "8로",
        "10으로",
    ]
