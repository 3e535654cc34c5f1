"""격국 by 子平真詮: 건록격 only on the 록, 양인격 only on a yang stem's 刃, 월겁격 otherwise, 잡기월 by 투출."""

from __future__ import annotations

import itertools

import pytest

from saju.analysis import analyze
from saju.analysis.gyeokguk import EARTH_MONTHS, GEONROK, WOLGEOP, YANGIN, gyeokguk
from saju.analysis.shinsal import YANGIN_TABLE
from saju.analysis.stages import Stage, stage
from saju.analysis.tengods import TenGodGroup, ten_god
from saju.core import PILLARS, Polarity
from tests.saju.analysis.helpers import real_chart


def g(text: str) -> str:
    slots = tuple(
        (label, next(i for i, p in enumerate(PILLARS) if p.hanja == p_text))
        for label, p_text in zip("년월일시", text.split(), strict=False)
    )
    return gyeokguk(slots).name


def test_issue_examples() -> None:
    # 1998-07-20 10:11 (戊寅 己未 戊辰 丁巳): 未월 잡기, 丁 (여기) shows at 시간 → 정인격, not 양인격.
    a = analyze(real_chart("1998-07-20T10:11:00", "male"))
    assert a.gyeokguk.name == "정인격" and a.gyeokguk.revealed == "시간"
    # 1996-02-08 10:27: 乙 day in 寅월 — a yin stem has no 양인격: 월겁격.
    assert analyze(real_chart("1996-02-08T10:27:00", "male")).gyeokguk.name == WOLGEOP


def test_rok_and_yangin() -> None:
    assert g("甲子 丁巳 戊辰 甲寅") == GEONROK  # 戊 록 巳 (was 편인격)
    assert g("甲子 庚午 己卯 甲子") == GEONROK  # 己 록 午 (was 편인격)
    assert g("甲子 戊午 戊辰 甲寅") == YANGIN  # 戊 刃 午
    assert g("甲子 丙寅 甲辰 甲子") == GEONROK
    assert g("甲子 丁卯 甲辰 甲子") == YANGIN
    assert g("甲子 丁卯 乙丑 甲申") == GEONROK  # 乙 록 卯
    assert g("甲子 丙寅 乙丑 甲申") == WOLGEOP  # 乙 in 寅: 겁재 月令, no yin 양인


def test_earth_months_by_revealed_stem() -> None:
    # 戊 day in 辰월 (乙 癸 戊): 乙 shows → 정관격; 癸 shows → 정재격; none → 정기 戊 비견 → 월겁격 (not 건록격).
    assert g("乙丑 庚辰 戊子 壬子") == "정관격"
    assert g("癸丑 丙辰 戊子 壬子") == "정재격"
    assert g("甲子 丙辰 戊子 壬子") == WOLGEOP
    # 甲 day in 丑월 (癸 辛 己): 己 (정기) shows → 정재격 before 辛 (중기).
    assert g("己丑 辛丑 甲子 甲子") == "정재격"
    assert g("丙子 辛丑 甲子 甲子") == "정관격"


@pytest.mark.parametrize("dm_index", range(10))
def test_every_day_stem_and_month_branch_is_consistent_with_the_tables(dm_index: int) -> None:
    """건록격 ⇔ 12운성 건록; 양인격 ⇔ yang stem on its 양인 (the 신살 table's 刃); 월겁격 ⇔ a 비겁 decides."""
    for month, other in itertools.product(PILLARS[:60], (0, 25, 48)):
        day = next(p for p in PILLARS if p.stem.index == dm_index)
        slots = (
            ("년", other),
            ("월", PILLARS.index(month)),
            ("일", PILLARS.index(day)),
            ("시", (other + 7) % 60),
        )
        result = gyeokguk(slots)
        dm, mb = day.stem, month.branch
        assert (result.name == GEONROK) == (stage(dm, mb) is Stage.GEONROK)
        assert (result.name == YANGIN) == (dm.polarity is Polarity.YANG and YANGIN_TABLE.get(dm) is mb)
        assert (result.name == YANGIN) == (dm.polarity is Polarity.YANG and stage(dm, mb) is Stage.JEWANG)
        if result.name == WOLGEOP:
            assert ten_god(dm, result.stem).group is TenGodGroup.BIGEOP
        elif result.name not in (GEONROK, YANGIN):
            assert (
                ten_god(dm, result.stem) is result.ten_god and result.ten_god.group is not TenGodGroup.BIGEOP
            )
        if mb not in EARTH_MONTHS:
            assert result.revealed is None
