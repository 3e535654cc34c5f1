"""`compat_to_json(result)`: the stable JSON document of a 궁합 (CLI `--json` and the API)."""

from __future__ import annotations

from saju.compat.model import CategoryScore, CompatFact, Compatibility


def fact_to_json(fact: CompatFact) -> dict[str, object]:
    return {
        "category": fact.category.value,
        "key": fact.key,
        "name": fact.name,
        "where": fact.where,
        "places": [{"side": None if p.side is None else p.side.value, "slot": p.slot} for p in fact.places],
        "chars": list(fact.chars),
        "element": None if fact.element is None else fact.element.value,
        "owner": None if fact.owner is None else fact.owner.value,
        "tone": fact.tone.value,
        "points": fact.points,
        "rule": fact.rule,
    }


def category_to_json(c: CategoryScore) -> dict[str, object]:
    return {
        "category": c.category.value,
        "title": c.category.title,
        "points": c.points,
        "weight": c.weight,
        "contribution": c.contribution,
        "rule": c.rule,
    }


def compat_to_json(result: Compatibility) -> dict[str, object]:
    return {
        "relation": result.relation.value,
        "relation_label": result.relation.label,
        "reference": result.reference.isoformat(),
        "year": result.year,
        "year_pillar": result.year_pillar,
        "score": {
            "total": result.score,
            "base": result.base,
            "rule": "기본 50점 + Σ(분야 점수(상한 적용) × 관계별 가중치), 반올림 후 0~100",
            "breakdown": [category_to_json(c) for c in result.breakdown],
        },
        "facts": [fact_to_json(f) for f in result.facts],
        "notes": [{"key": n.key, "side": n.side.value, "text": n.text} for n in result.notes],
    }
