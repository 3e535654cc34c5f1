"""궁합 engine: every category, unknown time, relations, published examples, and the CLI."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import orjson
import pytest

from saju.birth import BirthInput
from saju.chart import Chart, chart_from_birth
from saju.cli import main
from saju.compat import Category, CompatFact, Compatibility, Relationship, Side, Tone, compatibility
from saju.compat.serialize import compat_to_json
from saju.core import Pillar

REF = date(2026, 12, 6)


def chart(when: str, gender: str | None = "female", **extra: object) -> Chart:
    data: dict[str, object] = {"datetime": when, **extra}
    if gender:
        data["gender"] = gender
    return chart_from_birth(BirthInput.from_mapping(data))


def with_day(base: Chart, day: str, *, year: str | None = None) -> Chart:
    """A chart with its day (and year) pillar replaced: exact control over the pair under test."""
    changes: dict[str, object] = {"day": Pillar.parse(day)}
    if year is not None:
        changes["year"] = Pillar.parse(year)
    return replace(base, **changes)  # type: ignore[arg-type]


A = chart("1990-05-15T14:30", "female")
B = chart("1988-02-03T09:10", "male")


def keys(result: Compatibility, category: Category) -> set[str]:
    return {f.key for f in result.facts_of(category)}


def find(result: Compatibility, category: Category, key: str) -> CompatFact:
    return next(f for f in result.facts_of(category) if f.key == key)


def test_day_branch_six_combine_and_clash_read_opposite_ways() -> None:
    combine = compatibility(with_day(A, "甲子"), with_day(B, "乙丑"), reference=REF)
    clash = compatibility(with_day(A, "甲子"), with_day(B, "庚午"), reference=REF)
    fact = find(combine, Category.DAY_BRANCH, "six_combine")
    assert fact.name == "子丑 육합(土)" and fact.where == "A의 일지 ↔ B의 일지" and fact.tone is Tone.GOOD
    assert find(clash, Category.DAY_BRANCH, "clash").points < 0
    assert combine.category(Category.DAY_BRANCH).points > 0 > clash.category(Category.DAY_BRANCH).points


@pytest.mark.parametrize(
    ("day_a", "day_b", "key"),
    [
        ("甲子", "丙辰", "half_combine"),  # 申子辰 반합
        ("甲寅", "丁巳", "punishment"),  # 寅巳 형
        ("甲子", "癸酉", "break"),  # 子酉 파
        ("甲子", "癸未", "harm"),  # 子未 해
        ("甲子", "癸未", "wonjin"),  # 子未 원진
        ("甲子", "癸酉", "gwimun"),  # 子酉 귀문
    ],
)
def test_each_day_branch_relation(day_a: str, day_b: str, key: str) -> None:
    result = compatibility(with_day(A, day_a), with_day(B, day_b), reference=REF)
    assert key in keys(result, Category.DAY_BRANCH)


def test_three_combine_completed_by_a_third_branch_names_its_place() -> None:
    # A 申 day, B 子 day; B's 辰 hour (丙辰) completes 申子辰.
    result = compatibility(with_day(A, "庚申"), with_day(B, "甲子"), reference=REF)
    fact = find(result, Category.DAY_BRANCH, "three_combine")
    assert "B의 시지" in fact.where and fact.element is not None


def test_day_master_combine_generate_control_and_same() -> None:
    assert "stem_combine" in keys(
        compatibility(with_day(A, "甲子"), with_day(B, "己丑"), reference=REF), Category.DAY_MASTER
    )
    gen = compatibility(with_day(A, "甲子"), with_day(B, "丙寅"), reference=REF)
    assert find(gen, Category.DAY_MASTER, "generates").owner is Side.A  # 木生火: A feeds B
    ctl = compatibility(with_day(A, "甲子"), with_day(B, "戊寅"), reference=REF)
    assert find(ctl, Category.DAY_MASTER, "controls").points < 0
    assert "same" in keys(
        compatibility(with_day(A, "甲子"), with_day(B, "乙丑"), reference=REF), Category.DAY_MASTER
    )
    clash = compatibility(with_day(A, "甲子"), with_day(B, "庚午"), reference=REF)
    assert "stem_clash" in keys(clash, Category.DAY_MASTER)
    # The 극 under a 충 is named but not counted twice.
    assert find(clash, Category.DAY_MASTER, "controls").points == 0


def test_cross_pillars_are_named_by_position_and_weigh_less() -> None:
    result = compatibility(A, B, reference=REF)
    cross = result.facts_of(Category.CROSS)
    assert any(f.where == "A의 년지 ↔ B의 일지" and f.key == "clash" for f in cross)  # 午 ↔ 子
    assert all(abs(f.points) <= 4 for f in cross)
    assert not any(f.where == "A의 일지 ↔ B의 일지" for f in cross)


def test_zodiac_facts() -> None:
    def zodiac(year_a: str, year_b: str) -> set[str]:
        return keys(
            compatibility(with_day(A, "甲子", year=year_a), with_day(B, "甲子", year=year_b), reference=REF),
            Category.ZODIAC,
        )

    assert zodiac("庚子", "辛丑") == {"six_combine"}
    assert zodiac("庚申", "壬辰") == {"three_combine"}  # 申子辰, no 왕지: still one 삼합 group of 띠
    assert zodiac("庚寅", "壬申") == {"clash"}
    assert zodiac("庚子", "辛未") == {"wonjin"}


def test_elements_use_balance_and_yongsin() -> None:
    result = compatibility(A, B, reference=REF)
    supplied = find(result, Category.ELEMENTS, "yongsin_supplied")
    assert supplied.element is result.analysis_a.yongsin.yongsin and supplied.owner is Side.A
    assert result.analysis_b.balance.share(supplied.element) >= 20


def test_ten_gods_use_the_spouse_star_of_each_gender() -> None:
    # 甲 woman, 辛 man: 辛 is her 정관 (배우자성), 甲 is his 정재 (배우자성).
    result = compatibility(with_day(A, "甲子"), with_day(B, "辛丑"), reference=REF)
    stars = {f.owner: f for f in result.facts_of(Category.TEN_GODS) if f.key == "star"}
    assert stars[Side.A].name == "정관" and stars[Side.B].name == "정재"
    friends = compatibility(with_day(A, "甲子"), with_day(B, "辛丑"), Relationship.FRIEND, REF)
    assert not any(f.key == "star" for f in friends.facts_of(Category.TEN_GODS))


def test_parent_and_child_are_the_same_pair_seen_from_either_side() -> None:
    parent = compatibility(A, B, Relationship.PARENT, REF)
    child = compatibility(B, A, Relationship.CHILD, REF)
    assert parent.score == child.score
    assert sorted(map(repr, (f.swapped() for f in parent.facts))) == sorted(map(repr, child.facts))


def test_relation_kinds_weigh_differently() -> None:
    scores = {r: compatibility(A, B, r, REF) for r in Relationship}
    weights = {r: tuple(c.weight_tenths for c in s.breakdown) for r, s in scores.items()}
    assert len(set(weights.values())) >= 4
    assert scores[Relationship.COUPLE].facts_of(Category.DAY_MASTER) == scores[Relationship.WORK].facts_of(
        Category.DAY_MASTER
    )


def test_score_is_base_plus_the_breakdown() -> None:
    result = compatibility(A, B, reference=REF)
    total = result.base + sum(c.contribution for c in result.breakdown)
    assert result.score == max(0, min(100, round(total + 1e-9)))


def test_unknown_time_omits_the_hour_and_says_so() -> None:
    result = compatibility(chart("1990-05-15", "female", time_unknown=True), B, reference=REF)
    assert not any(p.side is Side.A and p.slot.startswith("시") for f in result.facts for p in f.places)
    assert [n.key for n in result.notes] == ["time_unknown"] and result.notes[0].side is Side.A


def test_no_gender_no_daewoon_timing() -> None:
    result = compatibility(chart("1990-05-15T14:30", None), B, reference=REF)
    assert "daewoon_unavailable" in {n.key for n in result.notes}
    assert not any(p.slot == "대운지" and p.side is Side.A for f in result.facts for p in f.places)


def test_timing_names_this_years_clash_of_a_day_branch() -> None:
    # 2026 is 丙午: it clashes a 子 day branch.
    result = compatibility(with_day(A, "甲子"), with_day(B, "乙丑"), reference=REF)
    fact = next(f for f in result.facts_of(Category.TIMING) if f.key == "clash")
    assert fact.owner is Side.A and fact.where == "A의 일지 ↔ 세운지" and result.year_pillar == "丙午"


def test_lunar_leap_birth_works() -> None:
    lunar = chart("2020-04-10T10:00", "female", calendar="lunar", leap=True)
    assert 0 <= compatibility(lunar, B, reference=REF).score <= 100


# Published examples: the traditional tables as Korean 궁합 material states them.
# - 띠 궁합 (삼합·육합·충·원진): 나무위키 「궁합」 and 「원진살」 (https://namu.wiki/w/궁합, /w/원진살), e.g.
#   쥐띠·소띠 육합, 호랑이띠·원숭이띠 상충, 쥐띠·양띠 원진, 원숭이띠·쥐띠·용띠 삼합.
# - 일간 천간합 甲己합토 … 戊癸합화 and 배우자성 (여명 관성, 남명 재성): 『연해자평』 「논부처」, as in
#   나무위키 「십신」 (https://namu.wiki/w/십신).
@pytest.mark.parametrize(
    ("year_a", "year_b", "key"),
    [
        ("甲子", "乙丑", "six_combine"),
        ("甲寅", "壬申", "clash"),
        ("甲子", "辛未", "wonjin"),
        ("庚申", "甲子", "three_combine"),
    ],
)
def test_published_zodiac_examples(year_a: str, year_b: str, key: str) -> None:
    result = compatibility(with_day(A, "甲子", year=year_a), with_day(B, "丙寅", year=year_b), reference=REF)
    assert key in keys(result, Category.ZODIAC)


@pytest.mark.parametrize("pair", ["甲己", "乙庚", "丙辛", "丁壬", "戊癸"])
def test_published_stem_combinations(pair: str) -> None:
    days = {
        "甲": "甲子",
        "己": "己巳",
        "乙": "乙丑",
        "庚": "庚午",
        "丙": "丙寅",
        "辛": "辛未",
        "丁": "丁卯",
        "壬": "壬申",
        "戊": "戊辰",
        "癸": "癸酉",
    }
    result = compatibility(with_day(A, days[pair[0]]), with_day(B, days[pair[1]]), reference=REF)
    assert "stem_combine" in keys(result, Category.DAY_MASTER)


def test_json_document() -> None:
    doc = compat_to_json(compatibility(A, B, reference=REF))
    assert doc["relation"] == "couple"
    score = doc["score"]
    assert isinstance(score, dict) and len(score["breakdown"]) == 7


def test_cli_json_and_error_naming_the_person(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code = main(
        [
            "gunghap",
            "1990-05-15 14:30",
            "1988-02-03 09:10",
            "--a-gender",
            "female",
            "--b-gender",
            "male",
            "--relation",
            "friend",
            "--reference",
            "2026-12-06",
            "--b-no-time",
            "--json",
        ]
    )
    out = orjson.loads(capsysbinary.readouterr().out)
    assert code == 0 and out["relation"] == "friend" and out["charts"]["b"]["hour"] is None
    assert set(out["conventions"]) == {"a", "b"}
    assert main(["gunghap", "1990-05-15 14:30", "1988-02-30"]) == 2
    assert "B(둘째 사람)" in capsysbinary.readouterr().err.decode()
    assert main(["gunghap", "1990-05-15", "1988-02-03", "--a-leap"]) == 2
    assert "--a-leap" in capsysbinary.readouterr().err.decode()


def test_cli_text() -> None:
    assert main(["gunghap", "1990-05-15 14:30", "1988-02-03 09:10", "--reference", "2026-12-06"]) == 0
