"""용신 · 희신 · 기신 · 구신 · 한신: one coherent set per chart (issue 14 #2), 합화 in the strength (#9)."""

from __future__ import annotations

import random
from datetime import date

import pytest

from saju.analysis import analyze
from saju.analysis.tengods import TenGodGroup, element_group
from saju.analysis.yongsin import OPPOSING, SUPPORTING, ElementRole, JohuOutcome, YongsinBasis
from saju.core import PILLARS, Element
from tests.saju.analysis.helpers import bare, real_chart

REF = date(2026, 11, 24)


def test_issue_chart_2018_05_14_never_offers_its_gisin() -> None:
    a = analyze(real_chart("2018-05-14T17:34:00", "female"), reference=REF)
    ys = a.yongsin
    assert ys.gisin not in ys.favourable and ys.gusin not in ys.favourable
    assert (
        ys.role(Element.EARTH).unfavourable
        or ys.role(Element.EARTH) is ElementRole.HANSIN
        or ys.yongsin is Element.EARTH
    )
    assert len({ys.yongsin, ys.heesin, ys.gisin, ys.gusin, ys.hansin}) == 5


def test_strong_chart_led_by_bigeop_takes_one_of_gwan_or_siksang_not_both() -> None:
    # 甲 in 卯월 among 木: 비겁 leads; 관성(金) outweighs 식상 → 관성 용신, 식상(火) is its 기신, never a candidate.
    a = analyze(bare("乙卯 丁卯 甲寅 庚申"), reference=REF)
    ys = a.yongsin
    assert a.strength.leans_strong and not a.strength.jonggyeok
    assert ys.group is TenGodGroup.GWANSEONG and ys.yongsin is Element.METAL
    assert ys.gisin is Element.FIRE and Element.FIRE not in ys.favourable
    # With 식상 heavier than a weak 관성, 식상 is the 용신 and 관성 is then not offered either.
    b = analyze(bare("癸卯 乙卯 甲寅 庚午"), reference=REF).yongsin
    assert b.group is TenGodGroup.SIKSANG and b.yongsin is Element.FIRE and b.gusin is Element.METAL


def test_jonggyeok_follows_its_force_and_the_roles_agree() -> None:
    a = analyze(bare("庚申 辛酉 甲申 辛酉"), reference=REF)  # 甲 without a root among 金: 종살
    assert a.strength.jonggyeok and a.yongsin.basis is YongsinBasis.JONGGYEOK
    assert a.yongsin.group is TenGodGroup.GWANSEONG
    assert a.yongsin.helping == OPPOSING
    assert element_group(a.day_master, a.yongsin.heesin) in OPPOSING


def test_winter_water_day_master_weighs_johu_once() -> None:
    """A weak 壬 in 丑월 with earth around: 억부 wants 金 (인성); 火 (재성) is its 기신 and stands on the
    weak side's opposing camp, so 억부 wins and the note says why — 火 is never offered as a candidate."""
    a = analyze(bare("己丑 丁丑 壬戌 己酉"), reference=REF)
    ys = a.yongsin
    assert a.strength.is_weak
    assert ys.johu is Element.FIRE
    assert Element.FIRE not in ys.favourable
    assert ys.johu_outcome in (JohuOutcome.SET_ASIDE, JohuOutcome.WELCOME)
    assert ys.johu_note and "화(火)" in ys.johu_note


def test_johu_overrides_only_on_the_helping_side_when_lacking() -> None:
    a = analyze(real_chart("2018-05-14T17:34:00", "female"), reference=REF)  # 丙 in 巳월, no 水 at all
    ys = a.yongsin
    assert ys.johu is Element.WATER and a.balance.share(Element.WATER) < 10
    assert ys.johu_outcome is JohuOutcome.OVERRIDES and ys.basis is YongsinBasis.JOHU
    assert ys.yongsin is Element.WATER and element_group(a.day_master, Element.WATER) in ys.helping


@pytest.mark.parametrize("seed", range(4))
def test_roles_partition_the_elements_and_sit_on_the_right_side(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(500):
        a = analyze(bare(" ".join(rng.choice(PILLARS).hanja for _ in range(4))), reference=REF)
        ys, st = a.yongsin, a.strength
        assert sorted(e.value for _, e in ys.roles) == sorted(e.value for e in Element)
        assert {ys.role(e) for e in Element} == set(ElementRole)
        # The side that helps follows the one strength decision.
        supported = (not st.leans_strong and not st.jonggyeok) or (st.jonggyeok and st.leans_strong)
        assert ys.helping == (SUPPORTING if supported else OPPOSING)
        assert element_group(a.day_master, ys.heesin) in ys.helping
        if ys.basis is not YongsinBasis.JOHU:
            assert element_group(a.day_master, ys.yongsin) in ys.helping
        assert ys.johu_outcome is JohuOutcome.NONE or ys.johu_note


def test_a_full_banghap_with_the_month_transforms_and_moves_the_score() -> None:
    """庚午 辛巳 庚辰 癸未: 巳午未 with 巳 as the month branch → 火; the 庚 day master then faces a fire chart
    (신약, 인성 土 as 용신 — 살인상생), where counting 未 and 巳 as earth/metal made it 신강."""
    a = analyze(real_chart("1990-05-15T14:30:00", "female"), reference=REF)
    (t,) = a.combinations
    assert t.transformed and t.element is Element.FIRE and set(t.labels) == {"년", "월", "시"}
    assert a.strength.is_weak and a.yongsin.group is TenGodGroup.INSEONG
    assert a.balance.strongest is Element.FIRE and a.balance.share(Element.FIRE) > 40


def test_a_clash_or_missing_season_blocks_the_transformation() -> None:
    # 申子辰 with 午 clashing 子 (午 is the month): broken by 子午 충.
    (t,) = analyze(bare("甲申 庚午 壬子 甲辰"), reference=REF).combinations
    assert not t.transformed and "충" in t.reason
    # 申子辰 without the month and without a 水 stem: no transformation.
    (t,) = analyze(bare("甲申 丁卯 甲子 戊辰"), reference=REF).combinations
    assert not t.transformed
    # The same with 壬 shown among the stems: 투출 → transforms.
    (t,) = analyze(bare("甲申 丁卯 甲子 壬辰"), reference=REF).combinations
    assert t.transformed and "투출" in t.reason
