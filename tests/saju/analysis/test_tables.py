"""Every stem/branch pair of the analysis tables, cross-checked against lunar-python (6tail), an
independent implementation of the same classical tables (LunarUtil.SHI_SHEN, EightChar's 长生 offsets,
LunarUtil.NAYIN, LunarUtil.getXunKong, LunarUtil.ZHI_HIDE_GAN), plus the textbook rows spelled out."""

from __future__ import annotations

import pytest
from lunar_python.util import LunarUtil

from saju.analysis.gongmang import gongmang
from saju.analysis.hidden import WOLLYUL_BUNYA, hidden_stems, main_stem
from saju.analysis.nayin import nayin
from saju.analysis.stages import Stage, stage
from saju.analysis.tengods import TenGod, TenGodGroup, group_element, ten_god
from saju.core import BRANCHES, PILLARS, STEMS, Branch, Element, Pillar, Stem

LUNAR_TEN_GOD = {
    "比肩": TenGod.BIGYEON,
    "劫财": TenGod.GEOPJAE,
    "食神": TenGod.SIKSIN,
    "伤官": TenGod.SANGGWAN,
    "偏财": TenGod.PYEONJAE,
    "正财": TenGod.JEONGJAE,
    "七杀": TenGod.PYEONGWAN,
    "正官": TenGod.JEONGGWAN,
    "偏印": TenGod.PYEONIN,
    "正印": TenGod.JEONGIN,
}
LUNAR_STAGE_OFFSET = {
    "甲": 1,
    "丙": 10,
    "戊": 10,
    "庚": 7,
    "壬": 4,
    "乙": 6,
    "丁": 9,
    "己": 9,
    "辛": 0,
    "癸": 3,
}
SIMPLIFIED = str.maketrans("炉剑锋涧蜡杨头钗钏驿灯旁雳长", "爐劍鋒澗蠟楊頭釵釧驛燈傍靂長")


@pytest.mark.parametrize("dm", STEMS)
@pytest.mark.parametrize("other", STEMS)
def test_ten_god_of_every_stem_pair_matches_lunar_python(dm: Stem, other: Stem) -> None:
    assert ten_god(dm, other) is LUNAR_TEN_GOD[LunarUtil.SHI_SHEN[dm.hanja + other.hanja]]


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("branch", BRANCHES)
def test_twelve_stage_of_every_pair_matches_lunar_python(stem: Stem, branch: Branch) -> None:
    z = branch.index
    idx = (LUNAR_STAGE_OFFSET[stem.hanja] + (z if stem.index % 2 == 0 else -z)) % 12
    assert stage(stem, branch) is list(Stage)[idx]


def test_twelve_stage_textbook_rows() -> None:
    # 甲 長生 亥, 帝旺 卯, 墓 未; 乙 長生 午, 帝旺 寅; 庚 建祿 申; 戊 like 丙: 長生 寅.
    assert stage(Stem.GAP, Branch.HAE) is Stage.JANGSAENG
    assert stage(Stem.GAP, Branch.MYO) is Stage.JEWANG
    assert stage(Stem.GAP, Branch.MI) is Stage.MYO
    assert stage(Stem.EUL, Branch.O) is Stage.JANGSAENG
    assert stage(Stem.EUL, Branch.IN) is Stage.JEWANG
    assert stage(Stem.GYEONG, Branch.SHIN) is Stage.GEONROK
    assert stage(Stem.MU, Branch.IN) is Stage.JANGSAENG


@pytest.mark.parametrize("pillar", PILLARS)
def test_nayin_and_gongmang_of_every_pillar_match_lunar_python(pillar: Pillar) -> None:
    expected = LunarUtil.NAYIN[pillar.hanja].translate(SIMPLIFIED)
    assert nayin(pillar).hanja == expected
    assert nayin(pillar).element is Element(expected[-1])
    assert "".join(b.hanja for b in gongmang(pillar)) == LunarUtil.getXunKong(pillar.hanja)


@pytest.mark.parametrize("branch", BRANCHES)
def test_hidden_stems_table(branch: Branch) -> None:
    rows = hidden_stems(branch)
    assert sum(h.days for h in rows) == 30
    # The main qi (정기) is the one every school agrees on; lunar-python lists it first.
    assert main_stem(branch).hanja == LunarUtil.ZHI_HIDE_GAN[branch.hanja][0]
    assert {h.stem.hanja for h in rows} >= set(LunarUtil.ZHI_HIDE_GAN[branch.hanja])


def test_hidden_stem_rows_as_printed_in_the_wollyul_table() -> None:
    spelled = {b.hanja: "".join(f"{h.stem.hanja}{h.days}" for h in rows) for b, rows in WOLLYUL_BUNYA.items()}
    assert spelled == {
        "子": "壬10癸20",
        "丑": "癸9辛3己18",
        "寅": "戊7丙7甲16",
        "卯": "甲10乙20",
        "辰": "乙9癸3戊18",
        "巳": "戊7庚7丙16",
        "午": "丙10己9丁11",
        "未": "丁9乙3己18",
        "申": "戊7壬7庚16",
        "酉": "庚10辛20",
        "戌": "辛9丁3戊18",
        "亥": "戊7甲7壬16",
    }


@pytest.mark.parametrize("dm", STEMS)
def test_group_element_is_the_element_playing_that_role(dm: Stem) -> None:
    for group in TenGodGroup:
        element = group_element(dm, group)
        same = Stem.from_index(element.index * 2)
        assert ten_god(dm, same).group is group
