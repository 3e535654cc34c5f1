"""What each reading section reads from the analysis — its declared dependencies.

The reading promises that a section changes only when the facts it is about change (change the hour pillar
and the 대운 section stays put unless the current 대운's relations with the hour branch change). These
functions list those facts per section; the tests check the promise against the real builders.
"""

from __future__ import annotations

from collections.abc import Callable

from saju.analysis.model import Analysis
from saju.analysis.tengods import TenGod, TenGodGroup
from saju.reading.natal import BINDING_KINDS, day_pillar, gyeok_of, season_index, ten_god_patterns
from saju.reading.topics import is_minor

Facts = tuple[object, ...]


def _binding(a: Analysis) -> bool:
    return any(r.kind in BINDING_KINDS for r in a.relations)


def _personality(a: Analysis, male: bool | None) -> Facts:
    d = day_pillar(a)
    st = a.strength
    return (
        a.day_master,
        season_index(a),
        d.branch_ten_god,
        d.stage,
        st.band,
        st.jonggyeok,
        st.leans_strong,
        st.deukryeong,
        st.deukji,
        st.deukse,
        a.combinations,
        _binding(a),
    )


def _elements(a: Analysis, male: bool | None) -> Facts:
    return (a.balance, a.yongsin, a.combinations)


def _tengods(a: Analysis, male: bool | None) -> Facts:
    return (
        tuple((p.pillar, p.stem_ten_god, p.branch_ten_god) for p in a.pillars),
        a.ten_god_counts,
        a.gyeokguk,
        tuple(ten_god_patterns(a)),
        a.has_hour,
    )


def _relations(a: Analysis, male: bool | None) -> Facts:
    return (a.relations, a.combinations, a.gongmang_day, tuple(p.in_gongmang for p in a.pillars))


def _shinsal(a: Analysis, male: bool | None) -> Facts:
    return (a.shinsal,)


def _daewoon(a: Analysis, male: bool | None) -> Facts:
    return (a.daewoon, a.daewoon_unavailable, a.yongsin, a.sewoon[0].year, a.month_uncertainty)


def _sewoon(a: Analysis, male: bool | None) -> Facts:
    return (a.sewoon, a.wolwoon, a.yongsin)


def _career(a: Analysis, male: bool | None) -> Facts:
    return (
        gyeok_of(a),
        a.ten_god_counts,
        a.strength.group_weights,
        a.yongsin,
        tuple(h.key for h in a.shinsal),
        a.strength.band,
        is_minor(a),
    )


def _love(a: Analysis, male: bool | None) -> Facts:
    return (
        male,
        a.ten_god_counts,
        day_pillar(a).branch_ten_god,
        tuple(r for r in a.relations if "일지" in r.members and len(r.members) == 2),
        tuple(h.key for h in a.shinsal if h.key in ("dohwa", "hongyeom")),
        is_minor(a),
        a.has_hour,
    )


def _wealth(a: Analysis, male: bool | None) -> Facts:
    return (
        a.group_count(TenGodGroup.JAESEONG),
        a.ten_god_count(TenGod.JEONGJAE),
        a.ten_god_count(TenGod.PYEONJAE),
        a.strength.band,
        tuple(ten_god_patterns(a)),
        a.has_hour,
    )


def _health(a: Analysis, male: bool | None) -> Facts:
    return (a.balance, tuple(h.key for h in a.shinsal), season_index(a), a.strength.band)


def _study(a: Analysis, male: bool | None) -> Facts:
    return (
        a.ten_god_count(TenGod.JEONGIN),
        a.ten_god_count(TenGod.PYEONIN),
        a.group_count(TenGodGroup.SIKSANG),
        tuple(h.key for h in a.shinsal),
        tuple(ten_god_patterns(a)),
        a.has_hour,
    )


SECTION_DEPENDENCIES: dict[str, Callable[[Analysis, bool | None], Facts]] = {
    "personality": _personality,
    "elements": _elements,
    "tengods": _tengods,
    "relations": _relations,
    "shinsal": _shinsal,
    "daewoon": _daewoon,
    "sewoon": _sewoon,
    "career": _career,
    "love": _love,
    "wealth": _wealth,
    "health": _health,
    "study": _study,
}


def section_facts(a: Analysis, male: bool | None) -> dict[str, Facts]:
    return {key: fn(a, male) for key, fn in SECTION_DEPENDENCIES.items()}
