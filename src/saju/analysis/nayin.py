"""납음오행 (納音): the thirty sound-element names, one per consecutive pair of the sixty pillars."""

from __future__ import annotations

from dataclasses import dataclass

from saju.core import Element, Pillar


@dataclass(frozen=True, slots=True)
class Nayin:
    hanja: str
    hangul: str
    element: Element


_NAYIN_SPEC: tuple[tuple[str, str], ...] = (
    ("海中金", "해중금"),
    ("爐中火", "노중화"),
    ("大林木", "대림목"),
    ("路傍土", "노방토"),
    ("劍鋒金", "검봉금"),
    ("山頭火", "산두화"),
    ("澗下水", "간하수"),
    ("城頭土", "성두토"),
    ("白蠟金", "백랍금"),
    ("楊柳木", "양류목"),
    ("泉中水", "천중수"),
    ("屋上土", "옥상토"),
    ("霹靂火", "벽력화"),
    ("松柏木", "송백목"),
    ("長流水", "장류수"),
    ("沙中金", "사중금"),
    ("山下火", "산하화"),
    ("平地木", "평지목"),
    ("壁上土", "벽상토"),
    ("金箔金", "금박금"),
    ("覆燈火", "복등화"),
    ("天河水", "천하수"),
    ("大驛土", "대역토"),
    ("釵釧金", "차천금"),
    ("桑柘木", "상자목"),
    ("大溪水", "대계수"),
    ("沙中土", "사중토"),
    ("天上火", "천상화"),
    ("石榴木", "석류목"),
    ("大海水", "대해수"),
)
_ELEMENT_BY_CHAR = {e.value: e for e in Element}

NAYIN_TABLE: tuple[Nayin, ...] = tuple(
    Nayin(hanja, hangul, _ELEMENT_BY_CHAR[hanja[-1]]) for hanja, hangul in _NAYIN_SPEC
)


def nayin(pillar: Pillar) -> Nayin:
    return NAYIN_TABLE[pillar.index // 2]
