"""Stem combinations and branch relations (tables of 연해자평 / 삼명통회 as taught in Korean textbooks)."""

from __future__ import annotations

from itertools import product

import pytest

from saju.analysis.relations import (
    RelationKind,
    branch_pair_relations,
    relations_against,
    relations_among,
    stem_pair_relations,
)
from saju.core import BRANCHES, STEMS, Branch, Pillar, Stem

K = RelationKind


def b(text: str) -> Branch:
    return Branch.parse(text)


def s(text: str) -> Stem:
    return Stem.parse(text)


def slots(text: str) -> list[tuple[str, Pillar]]:
    return [(label, Pillar.parse(p)) for label, p in zip("년월일시", text.split(), strict=False)]


@pytest.mark.parametrize(
    ("pair", "kinds"),
    [
        ("子午", {K.CLASH}),
        ("子丑", {K.SIX_COMBINE}),
        ("子未", {K.HARM, K.WONJIN}),
        ("子酉", {K.BREAK}),
        ("子卯", {K.PUNISHMENT}),
        ("子辰", {K.HALF_COMBINE}),
        ("申辰", set()),  # no 왕지: not a 반합 in the rule used
        ("寅巳", {K.PUNISHMENT, K.HARM}),
        ("巳申", {K.SIX_COMBINE, K.PUNISHMENT, K.BREAK}),
        ("寅亥", {K.SIX_COMBINE, K.BREAK}),
        ("丑未", {K.CLASH, K.PUNISHMENT}),
        ("辰辰", {K.PUNISHMENT}),
        ("子子", set()),
        ("寅酉", {K.WONJIN}),
        ("午未", {K.SIX_COMBINE}),
        ("卯戌", {K.SIX_COMBINE}),
    ],
)
def test_branch_pairs(pair: str, kinds: set[RelationKind]) -> None:
    assert set(branch_pair_relations(b(pair[0]), b(pair[1]))) == kinds


def test_every_branch_pair_is_symmetric_and_clash_is_six_apart() -> None:
    for x, y in product(BRANCHES, BRANCHES):
        assert set(branch_pair_relations(x, y)) == set(branch_pair_relations(y, x))
        assert (K.CLASH in branch_pair_relations(x, y)) == ((x.index - y.index) % 12 == 6)


def test_stem_pairs() -> None:
    for x, y in product(STEMS, STEMS):
        kinds = set(stem_pair_relations(x, y))
        assert (K.STEM_COMBINE in kinds) == ((x.index - y.index) % 10 == 5)
        clash = {x.hanja + y.hanja, y.hanja + x.hanja} & {"甲庚", "乙辛", "丙壬", "丁癸"}
        assert (K.STEM_CLASH in kinds) == bool(clash)
    assert set(stem_pair_relations(s("甲"), s("己"))) == {K.STEM_COMBINE}
    assert set(stem_pair_relations(s("戊"), s("壬"))) == set()  # 戊 and 己 have no 천간충


def test_natal_triples_and_members() -> None:
    rels = relations_among(slots("壬申 甲子 戊辰 壬戌"))
    names = {r.name for r in rels}
    assert "申子辰 삼합(水)" in names
    triple = next(r for r in rels if r.kind is K.THREE_COMBINE)
    assert triple.members == ("년지", "월지", "일지")
    assert "辰戌 충" in names
    assert "戊壬 천간충" not in names


def test_three_punishment_and_directional() -> None:
    names = {r.name for r in relations_among(slots("甲寅 己巳 庚申 乙酉"))}
    assert "寅巳申 형" in names
    names = {r.name for r in relations_among(slots("甲寅 丁卯 甲辰 乙亥"))}
    assert "寅卯辰 방합(木)" in names


def test_outside_pillar_completes_a_triple_and_is_labelled() -> None:
    natal = slots("壬申 甲子 庚午 壬午")
    rels = relations_against(natal, "세운", Pillar.parse("丙辰"))
    triple = [r for r in rels if r.kind is K.THREE_COMBINE]
    assert [r.members for r in triple] == [("년지", "월지", "세운지")]
    clash = [r for r in relations_against(natal, "일진", Pillar.parse("甲子")) if r.kind is K.CLASH]
    assert {r.members for r in clash} == {("일진지", "일지"), ("일진지", "시지")}
    # Only relations that involve the outside pillar are reported.
    assert all(
        any(m.startswith("일진") for m in r.members)
        for r in relations_against(natal, "일진", Pillar.parse("甲子"))
    )
