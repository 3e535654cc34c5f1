"""신년운세: one saju year against the natal chart — the facts (`year_fortune`), their scores with the rule
that made them, and the rule-based Korean reading (`year_reading`). See docs/analysis.md ("신년운세")."""

from saju.yearly.facts import (
    SCORE_RULE,
    DaewoonChange,
    MonthFortune,
    Score,
    ScoreFactor,
    YearFortune,
    daewoon_starts,
    year_fortune,
)

__all__ = [
    "SCORE_RULE",
    "DaewoonChange",
    "MonthFortune",
    "Score",
    "ScoreFactor",
    "YearFortune",
    "daewoon_starts",
    "year_fortune",
]
