"""`facts_for_prompt`: the chart facts an LLM prompt may contain — never the birth date, time or name."""

from __future__ import annotations

from datetime import date

from saju.analysis.analyze import ChartLike, analyze, is_male
from saju.analysis.model import Analysis
from saju.analysis.yongsin import luck_fit
from saju.core import Pillar
from saju.reading.daily import daily_fortune
from saju.reading.natal import ten_god_patterns
from saju.reading.texts_tengods import PATTERNS

PROMPT_FACTS_VERSION = 2


def facts_for_prompt(
    chart: ChartLike, analysis: Analysis, *, reference: date | None = None
) -> dict[str, object]:
    """Plain JSON facts for an LLM: pillars, ten gods, elements, strength, 용신, relations, 신살, current luck.

    Deliberately absent: the birth date and time, the birthplace, any name, and ages (which would reveal the
    birth year together with the reference date). Deterministic for a chart and reference date.
    """
    a = analysis
    if reference is not None and reference != analysis.reference:
        a = analyze(chart, reference=reference)
    male = is_male(chart)
    current = a.daewoon.current if a.daewoon is not None else None
    year = a.sewoon[0]
    month = a.wolwoon[a.current_month - 1]
    ys = a.yongsin
    return {
        "version": PROMPT_FACTS_VERSION,
        "reference_date": a.reference.isoformat(),
        "saju_year": year.year,
        "gender": None if male is None else ("male" if male else "female"),
        "pillars": {p.key: p.pillar.hanja for p in a.pillars},
        "hour_known": a.has_hour,
        "day_master": f"{a.day_master.hanja}({a.day_master.hangul}, {a.day_master.polarity.hangul}{a.day_master.element.hangul})",
        "ten_gods": {
            p.key: {
                "stem": p.stem_ten_god.value if p.stem_ten_god else "일원",
                "branch": p.branch_ten_god.value,
            }
            for p in a.pillars
        },
        "twelve_stages": {p.key: p.stage.value for p in a.pillars},
        "gyeok": a.gyeokguk.name,
        "gyeok_rule": a.gyeokguk.rule,
        "patterns": [PATTERNS[k][0] for k in ten_god_patterns(a)],
        "elements_percent": {e.hangul: a.balance.share(e) for e in type(a.day_master.element)},
        "elements_excess": [e.hangul for e in a.balance.excess],
        "elements_absent": [e.hangul for e in a.balance.absent],
        "combinations": [f"{t.name}: {t.reason}" for t in a.combinations],
        "strength": {
            "band": a.strength.band.value,
            "score": a.strength.score,
            "jonggyeok": a.strength.jonggyeok,
        },
        "yongsin": {role.value: element.label for role, element in ys.roles},
        "yongsin_basis": ys.basis.value,
        "yongsin_reason": ys.reason,
        "johu": ys.johu_note,
        "relations": [r.name for r in a.relations],
        "shinsal": [h.rule.name for h in a.shinsal],
        "gongmang": "".join(b.hanja for b in a.gongmang_day),
        "daewoon": None
        if current is None
        else {
            "pillar": current.info.pillar.hanja,
            "stem_ten_god": current.info.stem_ten_god.value,
            "branch_ten_god": current.info.branch_ten_god.value,
            "yongsin_fit": _fit(a, current.info.pillar),
            "relations": [r.name for r in current.info.relations],
        },
        "daewoon_direction": None if a.daewoon is None else a.daewoon.direction.value,
        "sewoon": {
            "year": year.year,
            "pillar": year.info.pillar.hanja,
            "stem_ten_god": year.info.stem_ten_god.value,
            "branch_ten_god": year.info.branch_ten_god.value,
            "yongsin_fit": _fit(a, year.info.pillar),
            "relations": [r.name for r in year.info.relations],
            "shinsal": [s.name for s in year.info.shinsal],
        },
        "wolwoon": {"pillar": month.info.pillar.hanja, "stem_ten_god": month.info.stem_ten_god.value},
        "month_uncertain": _uncertain(a),
    }


def _uncertain(a: Analysis) -> dict[str, object] | None:
    """The other possibility of a birth on a 절 day with no time (never the 절's clock time: no birth time
    reaches a prompt)."""
    u = a.month_uncertainty
    if u is None:
        return None
    other = u.other
    return {
        "절기": u.jie_name,
        "이 풀이의 가정": "절기 " + ("이전" if u.assumed.before_jie else "이후") + " 출생",
        "다른 경우": {
            "year": other.year.hanja,
            "month": other.month.hanja,
            "daewoon_direction": None if other.daewoon_direction is None else other.daewoon_direction.value,
        },
    }


def _fit(a: Analysis, pillar: Pillar) -> dict[str, object]:
    fit = luck_fit(a.yongsin, pillar)
    return {"천간": fit.stem_role.value, "지지": fit.branch_role.value, "score": fit.score}


def daily_facts_for_prompt(chart: ChartLike, analysis: Analysis, day: date) -> dict[str, object]:
    """The facts of one day's 일진 against the chart, for a daily-fortune prompt (Korean keys)."""
    fortune = daily_fortune(chart, analysis, day)
    return {
        "날짜": day.isoformat(),
        "일진": f"{fortune.pillar.hanja}({fortune.pillar.hangul})",
        "천간 십신": fortune.stem_ten_god.value,
        "지지 십신": fortune.branch_ten_god.value,
        "관계와 신살": list(fortune.notes),
        "별점": fortune.score,
        "별점 근거": list(fortune.breakdown),
    }
