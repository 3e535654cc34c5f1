"""Relations in the reading text: every relation named once, grouped by the positions it touches.

A relation is written with its full name ("巳申 육합(水)", "子午 충(沖)"; the single-syllable kinds carry
their hanja so a reader can tell 충(沖) from the everyday word). Relations between the same positions
share one line, so a pair that is at once 육합, 형 and 파 reads as one sentence about that pair.
"""

from __future__ import annotations

from collections.abc import Iterable

from saju.analysis.relations import Relation, RelationKind
from saju.reading.model import join_ko

_HANJA_SUFFIX: dict[RelationKind, str] = {
    RelationKind.CLASH: "(沖)",
    RelationKind.PUNISHMENT: "(刑)",
    RelationKind.BREAK: "(破)",
    RelationKind.HARM: "(害)",
}
_ORDER = "년월일시"


def relation_label(r: Relation) -> str:
    """The relation's name as the text writes it: the JSON name, plus hanja for 충·형·파·해."""
    return r.name + _HANJA_SUFFIX.get(r.kind, "")


def _position_key(member: str) -> tuple[int, str]:
    return (_ORDER.index(member[0]) if member[0] in _ORDER else len(_ORDER), member)


def grouped(
    relations: Iterable[Relation], outside: str | None = None
) -> list[tuple[tuple[str, ...], list[Relation]]]:
    """Relations grouped by the natal positions they touch (for an outside pillar, only its natal
    partners): [(positions, relations)], positions in 년월일시 order, relations in their given order.
    Relations with the same name (two 庚 against one 甲) merge their positions into one group."""
    by_name: dict[str, tuple[list[str], Relation]] = {}
    order: list[str] = []
    for r in relations:
        members = [m for m in r.members if outside is None or not m.startswith(outside)]
        if r.name not in by_name:
            by_name[r.name] = ([], r)
            order.append(r.name)
        positions = by_name[r.name][0]
        positions.extend(m for m in members if m not in positions)
    groups: dict[tuple[str, ...], list[Relation]] = {}
    for name in order:
        positions, r = by_name[name]
        key = tuple(sorted(positions, key=_position_key))
        groups.setdefault(key, []).append(r)
    return list(groups.items())


def labels(rels: list[Relation]) -> str:
    return " · ".join(relation_label(r) for r in rels)


def positions_text(positions: tuple[str, ...]) -> str:
    return "·".join(positions)


def kinds(rels: list[Relation]) -> list[RelationKind]:
    seen: list[RelationKind] = []
    for r in rels:
        if r.kind not in seen:
            seen.append(r.kind)
    return seen


def join_clauses(clauses: list[str]) -> str:
    """Sentences about one group: harmonious first, then "한편" before the tense ones."""
    return " ".join(clauses)


__all__ = ["grouped", "join_clauses", "join_ko", "kinds", "labels", "positions_text", "relation_label"]
