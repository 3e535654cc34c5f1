"""The JSON document of a year fortune (facts, scores with their breakdown, the reading) and its Markdown.

Shared by ``saju year --json``, the API (`POST /api/v1/yearly`), the pages and the AI prompt's facts.
"""

from __future__ import annotations

from datetime import datetime

from saju.analysis.model import DaewoonPeriod
from saju.analysis.serialize import luck_to_json
from saju.yearly.facts import (
    SCORE_MAX,
    SCORE_MIN,
    SCORE_RULE,
    YEARLY_SCHEMA_VERSION,
    MonthFortune,
    Score,
    YearFortune,
)
from saju.yearly.reading import YearReading, kst_span

JSONDict = dict[str, object]


def _iso(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%S+09:00")


def score_json(score: Score) -> JSONDict:
    return {
        "value": score.value,
        "grade": score.grade,
        "raw": score.raw,
        "min": SCORE_MIN,
        "max": SCORE_MAX,
        "factors": [{"kind": f.kind, "label": f.label, "delta": f.delta} for f in score.factors],
        "breakdown": list(score.breakdown),
    }


def _period(p: DaewoonPeriod | None) -> JSONDict | None:
    if p is None:
        return None
    return {
        "ordinal": p.ordinal,
        "start_age": p.start_age,
        "start_year": p.start_year,
        "pillar": p.info.pillar.hanja,
        "pillar_hangul": p.info.pillar.hangul,
        "stem_ten_god": p.info.stem_ten_god.value,
        "branch_ten_god": p.info.branch_ten_god.value,
    }


def _fit(m: MonthFortune | YearFortune) -> JSONDict:
    return {
        "stem": {"element": m.fit.stem.value, "role": m.fit.stem_role.value},
        "branch": {"element": m.fit.branch.value, "role": m.fit.branch_role.value},
        "score": m.fit.score,
    }


def _month(m: MonthFortune) -> JSONDict:
    return {
        "number": m.number,
        "jie": m.jie_name,
        "start": _iso(m.start),
        "end": _iso(m.end),
        "first_day": m.first_day.isoformat(),
        "last_day": m.last_day.isoformat(),
        "span": kst_span(m),
        "luck": luck_to_json(m.info),
        "fit": _fit(m),
        "score": score_json(m.score),
        "daewoon": _period(m.daewoon),
    }


def year_fortune_json(f: YearFortune) -> JSONDict:
    change = f.daewoon_change
    ys = f.analysis.yongsin
    return {
        "schema": YEARLY_SCHEMA_VERSION,
        "year": f.year,
        "age": f.age,
        "start": _iso(f.start),
        "end": _iso(f.end),
        "sewoon": luck_to_json(f.info),
        "fit": _fit(f),
        "yongsin": {"yongsin": ys.yongsin.value, "heesin": ys.heesin.value, "gisin": ys.gisin.value},
        "score": score_json(f.score),
        "score_rule": SCORE_RULE,
        "daewoon": _period(f.daewoon),
        "daewoon_change": None
        if change is None
        else {
            "date": change.day.isoformat(),
            "before": _period(change.before),
            "after": _period(change.after),
        },
        "daewoon_unavailable": f.daewoon_unavailable,
        "months": [_month(m) for m in f.months],
    }


def year_reading_json(r: YearReading) -> JSONDict:
    return {
        "year": r.year,
        "glance": list(r.glance),
        "paragraphs": [{"key": p.key, "title": p.title, "text": p.text} for p in r.paragraphs],
        "months": [
            {
                "number": m.number,
                "title": m.title,
                "judgement": m.judgement,
                "watch": m.watch,
                "relations": list(m.relations),
            }
            for m in r.months
        ],
    }


def year_markdown(f: YearFortune, r: YearReading) -> str:
    p = f.pillar
    lines = [
        f"# {f.year}년 신년운세 — {p.hanja}({p.hangul})년",
        "",
        "## 한눈에 보기",
        "",
        " ".join(r.glance),
        "",
        f"## 한 해 점수: {f.score.value}점 ({f.score.grade})",
        "",
        *(f"- {line}" for line in f.score.breakdown),
    ]
    for para in r.paragraphs:
        lines += ["", f"## {para.title}", "", para.text]
    lines += ["", "## 열두 달"]
    for m, mr in zip(f.months, r.months, strict=True):
        mp = m.pillar
        lines += [
            "",
            f"### {mr.title}: {mp.hanja}({mp.hangul}) · {kst_span(m)} (KST)",
            "",
            f"{mr.judgement} {mr.watch}",
        ]
        lines += [f"- {line}" for line in mr.relations]
        lines.append(f"- 점수 근거: {' / '.join(m.score.breakdown)}")
    return "\n".join(lines) + "\n"
