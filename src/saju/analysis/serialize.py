"""`analysis_to_json`: the documented JSON form of an `Analysis` (schema in docs/analysis.md)."""

from __future__ import annotations

from saju.analysis.balance import BALANCE_METHOD, ELEMENTS
from saju.analysis.combine import COMBINE_RULE
from saju.analysis.hidden import HIDDEN_STEM_TABLE_NAME
from saju.analysis.luck import DAEWOON_PERIOD_YEARS, AgeConvention
from saju.analysis.model import (
    POSITION_KEYS,
    Analysis,
    Daewoon,
    HiddenStemInfo,
    LuckPillarInfo,
    PillarAnalysis,
)
from saju.analysis.relations import Relation
from saju.analysis.shinsal import TWELVE_SHINSAL_RULE, ShinsalHit
from saju.analysis.stages import TWELVE_STAGE_RULE, Stage
from saju.analysis.strength import STRENGTH_METHOD
from saju.analysis.tengods import TenGod, TenGodGroup
from saju.analysis.uncertain import MonthUncertainty
from saju.analysis.yongsin import Yongsin
from saju.core import PILLARS, Element, Pillar, Stem

JSONDict = dict[str, object]
SCHEMA_VERSION = 2


def _element(e: Element) -> JSONDict:
    return {"hanja": e.value, "hangul": e.hangul}


def _god(g: TenGod | None) -> str | None:
    # `_value_` is the plain attribute behind Enum.value (a Python-level descriptor in 3.11).
    name: str | None = None if g is None else g._value_
    return name


def _stage(s: Stage) -> str:
    name: str = s._value_
    return name


_PILLAR_JSON: dict[int, JSONDict] = {}
_RELATION_JSON: dict[tuple[tuple[str, ...], tuple[str, ...], str], JSONDict] = {}
# Relation objects are shared (the relation tables build each one once), so their JSON is found by identity;
# the entry keeps the object alive, so its id cannot be reused while cached. Bounded against foreign objects.
_RELATION_BY_ID: dict[int, tuple[Relation, JSONDict]] = {}
_RELATION_BY_ID_LIMIT = 100_000
_PILLAR_BY_ID: dict[int, int] = {id(p): i for i, p in enumerate(PILLARS)}


def _pillar(p: Pillar) -> JSONDict:
    """Shared per pillar (60 entries): callers spread it into a new dict and never mutate it."""
    index = _PILLAR_BY_ID.get(id(p))
    if index is None:
        index = p.index
    found = _PILLAR_JSON.get(index)
    if found is None:
        found = _pillar_uncached(p)
        _PILLAR_JSON[index] = found
    return found


def _pillar_uncached(p: Pillar) -> JSONDict:
    return {
        "hanja": p.hanja,
        "hangul": p.hangul,
        "stem": {
            "hanja": p.stem.hanja,
            "hangul": p.stem.hangul,
            "element": p.stem.element.value,
            "yinyang": p.stem.polarity.hangul,
        },
        "branch": {
            "hanja": p.branch.hanja,
            "hangul": p.branch.hangul,
            "element": p.branch.element.value,
            "yinyang": p.branch.polarity.hangul,
            "animal": p.branch.animal,
        },
    }


def relation_to_json(r: Relation) -> JSONDict:
    entry = _RELATION_BY_ID.get(id(r))
    if entry is not None and entry[0] is r:
        return dict(entry[1])
    # Members, characters and detail identify a relation; the few thousand distinct ones are memoized.
    key = (r.members, r.chars, r.detail)
    found = _RELATION_JSON.get(key)
    if found is None:
        found = _relation_uncached(r)
        _RELATION_JSON[key] = found
    if len(_RELATION_BY_ID) < _RELATION_BY_ID_LIMIT:
        _RELATION_BY_ID[id(r)] = (r, found)
    return dict(found)


def _relation_uncached(r: Relation) -> JSONDict:
    return {
        "kind": r.kind.value,
        "name": r.name,
        "members": list(r.members),
        "chars": list(r.chars),
        "element": None if r.element is None else r.element.value,
        "detail": r.detail,
        "harmonious": r.kind.harmonious,
    }


def _shinsal(h: ShinsalHit) -> JSONDict:
    return {
        "key": h.rule.key,
        "name": h.rule.name,
        "hanja": h.rule.hanja,
        "nature": h.rule.nature.value,
        "basis": h.basis,
        "slots": list(h.slots),
        "rule": h.rule.rule,
    }


# Hidden-stem tuples are shared per (day master, pillar) by the analysis: templates found by identity
# (the entry keeps the tuple alive), copied on every use. Bounded against foreign tuples.
_HIDDEN_BY_ID: dict[int, tuple[tuple[HiddenStemInfo, ...], tuple[JSONDict, ...]]] = {}
_HIDDEN_BY_ID_LIMIT = 10_000


def _hidden_json(hidden: tuple[HiddenStemInfo, ...]) -> list[JSONDict]:
    entry = _HIDDEN_BY_ID.get(id(hidden))
    if entry is not None and entry[0] is hidden:
        return [d.copy() for d in entry[1]]
    template: tuple[JSONDict, ...] = tuple(
        {
            "stem": h.stem.hanja,
            "hangul": h.stem.hangul,
            "role": h.role.value,
            "days": h.days,
            "ten_god": h.ten_god.value,
        }
        for h in hidden
    )
    if len(_HIDDEN_BY_ID) < _HIDDEN_BY_ID_LIMIT:
        _HIDDEN_BY_ID[id(hidden)] = (hidden, template)
    return [d.copy() for d in template]


def _natal_pillar(p: PillarAnalysis) -> JSONDict:
    return {
        **_pillar(p.pillar),
        "position": p.label + "주",
        "stem_ten_god": _god(p.stem_ten_god) if p.stem_ten_god is not None else "일원",
        "branch_ten_god": _god(p.branch_ten_god),
        "hidden_stems": _hidden_json(p.hidden),
        "twelve_stage": _stage(p.stage),
        "self_stage": _stage(p.self_stage),
        "nayin": {"hanja": p.nayin.hanja, "hangul": p.nayin.hangul, "element": p.nayin.element.value},
        "twelve_shinsal": {"by_year": p.twelve_shinsal_by_year, "by_day": p.twelve_shinsal_by_day},
        "gongmang": p.in_gongmang,
    }


# The part of a luck pillar's JSON fixed by the pillar and its ten gods and stage (shared, never mutated).
_LUCK_HEAD_JSON: dict[tuple[int, str, str, str], JSONDict] = {}


def luck_to_json(info: LuckPillarInfo) -> JSONDict:
    pillar = info[0]
    index = _PILLAR_BY_ID.get(id(pillar))
    if index is None:
        index = pillar.index
    # `_value_` is the plain attribute behind Enum.value (a Python-level descriptor in 3.11).
    stem_god: str = info[1]._value_
    branch_god: str = info[2]._value_
    stage: str = info[3]._value_
    key = (index, stem_god, branch_god, stage)
    head = _LUCK_HEAD_JSON.get(key)
    if head is None:
        head = {
            **_pillar(pillar),
            "stem_ten_god": stem_god,
            "branch_ten_god": branch_god,
            "twelve_stage": stage,
        }
        _LUCK_HEAD_JSON[key] = head
    relations: list[JSONDict] = []
    append = relations.append
    get = _RELATION_BY_ID.get
    for r in info[4]:
        # relation_to_json inlined for the known (shared) objects: ~90 relations per analysis.
        entry = get(id(r))
        append(entry[1].copy() if entry is not None and entry[0] is r else relation_to_json(r))
    return {
        **head,
        "relations": relations,
        "shinsal": [s.name for s in info[5]],
        "gongmang": info[6],
    }


def _daewoon(d: Daewoon) -> JSONDict:
    return {
        "available": True,
        "direction": d.direction.value,
        "jie": {"name": d.jie_name, "instant_utc": d.jie_instant.isoformat()},
        "interval_hours": round(d.offset.interval.total_seconds() / 3600, 2),
        "start_offset": {
            "years": d.offset.years,
            "months": d.offset.months,
            "days": d.offset.days,
            "text": d.offset.text,
        },
        "exact_start_age": round(d.offset.exact_years, 3),
        "exact_start_date": d.exact_start.isoformat(),
        "number": d.number,
        "rounding": d.rounding.value,
        "age_convention": d.age_convention.value,
        "age_label": "세는 나이" if d.age_convention is AgeConvention.KOREAN else "만 나이",
        "approximate": d.approximate,
        "period_years": DAEWOON_PERIOD_YEARS,
        "current_index": d.current_index,
        "periods": [
            {
                "index": p.ordinal,
                "start_age": p.start_age,
                "end_age": p.end_age,
                "start_year": p.start_year,
                **luck_to_json(p.info),
            }
            for p in d.periods
        ],
    }


def _stem(s: Stem) -> JSONDict:
    return {"hanja": s.hanja, "hangul": s.hangul, "element": s.element.value, "yinyang": s.polarity.hangul}


_GOD_NAMES: tuple[str, ...] = tuple(g.value for g in TenGod)
# ElementBalance.count(e) / share(e) read position e.index, which is the position in ELEMENTS.
_ELEMENT_NAMES: tuple[str, ...] = tuple(e.value for e in ELEMENTS)
_GROUPS: tuple[TenGodGroup, ...] = tuple(TenGodGroup)
_GROUP_NAMES: tuple[str, ...] = tuple(grp.value for grp in _GROUPS)
_GROUP_OF_GOD: tuple[int, ...] = tuple(_GROUPS.index(g.group) for g in TenGod)


def _group_counts(counts: tuple[int, ...]) -> dict[str, int]:
    """`Analysis.group_count` for every group, from the counts in TenGod order."""
    totals = [0] * len(_GROUPS)
    for k, c in enumerate(counts):
        totals[_GROUP_OF_GOD[k]] += c
    return dict(zip(_GROUP_NAMES, totals, strict=True))


def _uncertain(u: MonthUncertainty) -> JSONDict:
    return {
        "jie": {"name": u.jie_name, "local_time": u.jie_local.strftime("%H:%M")},
        "options": [
            {
                "born": "before" if o.before_jie else "after",
                "year": o.year.hanja,
                "month": o.month.hanja,
                "daewoon_direction": None if o.daewoon_direction is None else o.daewoon_direction.value,
                "daewoon_number": o.daewoon_number,
                "assumed": o.assumed,
            }
            for o in u.options
        ],
    }


def _yongsin(y: Yongsin) -> JSONDict:
    return {
        "yongsin": y.yongsin.value,
        "heesin": y.heesin.value,
        "gisin": y.gisin.value,
        "gusin": y.gusin.value,
        "hansin": y.hansin.value,
        "roles": {e.value: y.role(e).value for e in ELEMENTS},
        "group": y.group.value,
        "basis": y.basis.value,
        "helping": [g.value for g in TenGodGroup if g in y.helping],
        "eokbu": y.eokbu.value,
        "johu": None if y.johu is None else y.johu.value,
        "johu_outcome": y.johu_outcome.value,
        "reason": y.reason,
        "johu_note": y.johu_note,
        "method": y.method,
    }


def analysis_to_json(analysis: Analysis) -> JSONDict:
    a = analysis
    return {
        "schema": SCHEMA_VERSION,
        "reference_date": a.reference.isoformat(),
        "day_master": _stem(a.day_master),
        "pillars": {POSITION_KEYS[p.label]: _natal_pillar(p) for p in a.pillars},
        "ten_gods": {
            "counts": dict(zip(_GOD_NAMES, a.ten_god_counts, strict=True)),
            "groups": _group_counts(a.ten_god_counts),
            "counting": "천간(일간 제외)과 지지 정기의 십신 개수",
        },
        "relations": [relation_to_json(r) for r in a.relations],
        "shinsal": [_shinsal(h) for h in a.shinsal],
        "gongmang": {
            "by_day": [b.hanja for b in a.gongmang_day],
            "by_year": [b.hanja for b in a.gongmang_year],
            "rule": "순중공망(旬中空亡)",
        },
        "elements": {
            "counts": dict(zip(_ELEMENT_NAMES, a.balance.counts, strict=True)),
            "shares": dict(zip(_ELEMENT_NAMES, a.balance.shares, strict=True)),
            "excess": [e.value for e in a.balance.excess],
            "weak": [e.value for e in a.balance.weak],
            "absent": [e.value for e in a.balance.absent],
            "method": BALANCE_METHOD,
        },
        "strength": {
            "score": a.strength.score,
            "band": a.strength.band.value,
            "deukryeong": a.strength.deukryeong,
            "deukji": a.strength.deukji,
            "deukse": a.strength.deukse,
            "group_weights": dict(zip(_GROUP_NAMES, a.strength.group_weights, strict=True)),
            "jonggyeok": a.strength.jonggyeok,
            "method": STRENGTH_METHOD,
            "combine_rule": COMBINE_RULE,
        },
        "yongsin": _yongsin(a.yongsin),
        "gyeokguk": {
            "name": a.gyeokguk.name,
            "ten_god": a.gyeokguk.ten_god.value,
            "stem": a.gyeokguk.stem.hanja,
            "revealed": a.gyeokguk.revealed,
            "rule": a.gyeokguk.rule,
            "method": a.gyeokguk.method,
        },
        "combinations": [
            {
                "name": t.name,
                "kind": t.kind.value,
                "element": t.element.value,
                "members": [label + "지" for label in t.labels],
                "transformed": t.transformed,
                "reason": t.reason,
            }
            for t in a.combinations
        ],
        "month_uncertain": None if a.month_uncertainty is None else _uncertain(a.month_uncertainty),
        "daewoon": _daewoon(a.daewoon)
        if a.daewoon is not None
        else {"available": False, "reason": a.daewoon_unavailable, "code": "GENDER_REQUIRED"},
        "sewoon": [{"year": y.year, "age": y.age, **luck_to_json(y.info)} for y in a.sewoon],
        "wolwoon": [
            {"year": m.year, "month": m.month_number, "starts_at": m.jie_name, **luck_to_json(m.info)}
            for m in a.wolwoon
        ],
        "current_month": a.current_month,
        "iljin": {"date": a.iljin.day.isoformat(), **luck_to_json(a.iljin.info)},
        "rules": {
            "hidden_stems": HIDDEN_STEM_TABLE_NAME,
            "twelve_stages": TWELVE_STAGE_RULE,
            "twelve_shinsal": TWELVE_SHINSAL_RULE,
            "branch_ten_god": "지지 십신은 정기(본기) 기준",
        },
    }
