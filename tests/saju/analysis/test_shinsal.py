"""신살 rules, each checked on a chart built to trigger (or not trigger) it. Rule tables: 연해자평 / 삼명통회
as taught in Korean practice (the rule text shipped with each hit is asserted too)."""

from __future__ import annotations

from saju.analysis.shinsal import TWELVE_SHINSAL_NAMES, find_shinsal, twelve_shinsal
from saju.core import BRANCHES, Branch, Pillar


def hits(text: str) -> dict[str, tuple[str, ...]]:
    slots = [(label, Pillar.parse(p)) for label, p in zip("년월일시", text.split(), strict=False)]
    merged: dict[str, tuple[str, ...]] = {}
    for h in find_shinsal(slots):
        merged[h.key] = merged.get(h.key, ()) + h.slots
    return merged


def test_cheoneul_from_day_stem() -> None:
    # 甲 day master: 丑 and 未 are 천을귀인.
    assert hits("乙丑 戊寅 甲子 辛未")["cheoneul"] == ("년지", "시지")
    assert "cheoneul" not in hits("丙寅 庚寅 甲子 甲子")


def test_dohwa_yeokma_hwagae_from_year_and_day_branch() -> None:
    # Year 申 (申子辰): 도화 酉, 역마 寅, 화개 辰.
    found = hits("壬申 己酉 丙寅 壬辰")
    assert found["dohwa"] == ("월지",)
    # 역마 from year 申 lands on 일지 寅; from day 寅 (寅午戌) it lands back on 년지 申.
    assert found["yeokma"] == ("일지", "년지")
    assert found["hwagae"] == ("시지",)


def test_yangin_only_for_yang_day_masters() -> None:
    assert hits("壬申 癸卯 甲子 乙亥")["yangin"] == ("월지",)
    assert "yangin" not in hits("壬申 癸卯 乙丑 丁亥")


def test_pillar_stars() -> None:
    assert hits("甲辰 丙寅 庚戌 丁亥")["baekho"] == ("년주",)
    assert hits("甲辰 丙寅 庚戌 丁亥")["goegang"] == ("일주",)
    assert "goegang" not in hits("甲子 丙寅 庚午 丁亥")


def test_gwimun_pairs_with_day_branch() -> None:
    assert hits("甲子 丙寅 庚辰 丁亥")["gwimun"] == ("일지", "시지")


def test_woldeok_from_month_trine() -> None:
    # Month 午 (寅午戌) → 丙 stem anywhere.
    assert hits("丙寅 甲午 庚辰 丁亥")["woldeok"] == ("년간",)


def test_every_hit_carries_its_rule_text() -> None:
    for h in find_shinsal(
        [
            ("년", Pillar.parse("甲辰")),
            ("월", Pillar.parse("丙寅")),
            ("일", Pillar.parse("庚戌")),
            ("시", Pillar.parse("丁亥")),
        ]
    ):
        assert h.rule.rule and h.rule.name and h.basis


def test_twelve_shinsal_sequence() -> None:
    # For 申子辰: 巳 겁살, 午 재살, ... 申 지살, 酉 연살, 子 장성, 寅 역마, 辰 화개.
    names = [twelve_shinsal(Branch.JA, b) for b in BRANCHES]
    assert names[Branch.SA.index] == "겁살"
    assert names[Branch.SHIN.index] == "지살"
    assert names[Branch.JA.index] == "장성살"
    assert names[Branch.IN.index] == "역마살"
    assert names[Branch.JIN.index] == "화개살"
    # Every basis assigns all twelve names exactly once.
    for basis in BRANCHES:
        assert sorted(twelve_shinsal(basis, b) for b in BRANCHES) == sorted(TWELVE_SHINSAL_NAMES)


def test_cheondeok_counts_the_month_stem_too() -> None:
    """Issue 14 #1: 巳월's 천덕 is 辛, and the month stem 辛 counts (간지 어디든), like 월덕 counts 월간."""
    assert hits("庚午 辛巳 庚辰 癸未")["cheondeok"] == ("월간",)
    # The four month pillars whose own stem is their 천덕: 壬辰, 辛巳, 丙戌, 乙亥.
    for month in ("壬辰", "辛巳", "丙戌", "乙亥"):
        assert "월간" in hits(f"甲子 {month} 戊寅 甲寅")["cheondeok"], month
    # A branch-type 천덕 (卯월 → 申) is never the month branch itself, and still found elsewhere.
    assert hits("甲申 丁卯 戊寅 甲寅")["cheondeok"] == ("년지",)
    assert "cheondeok" not in hits("甲子 丁卯 戊寅 甲寅")
