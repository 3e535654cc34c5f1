"""궁합: the compatibility of two charts (pure, typed; every fact with the rule it came from).

Entry points: `compatibility(chart_a, chart_b, relation, reference)` → `Compatibility`, and
`compat_to_json(result)`. Rules, points and weights: `saju.compat.rules` and docs/analysis.md ("궁합").
"""

from saju.compat.engine import compatibility
from saju.compat.model import (
    CATEGORIES,
    Category,
    CategoryScore,
    CompatFact,
    Compatibility,
    CompatNote,
    Place,
    Relationship,
    Side,
    Tone,
)

__all__ = [
    "CATEGORIES",
    "Category",
    "CategoryScore",
    "CompatFact",
    "CompatNote",
    "Compatibility",
    "Place",
    "Relationship",
    "Side",
    "Tone",
    "compatibility",
]
