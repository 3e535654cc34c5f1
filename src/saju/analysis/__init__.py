"""Engine part 2: full chart analysis (십신, 지장간, 12운성, 납음, 공망, 합충형파해, 신살, 오행, 신강약·용신, 대운·세운·월운·일진).

Public entry points: `analyze(chart, reference=..., daewoon_rounding=KOREAN)` and `analysis_to_json(analysis)`.
"""

from saju.analysis.analyze import (
    ChartLike,
    analyze,
    iljin,
    luck_info,
    natal_slots,
    saju_year_on,
    sewoon_range,
    today_kst,
    wolwoon,
)
from saju.analysis.luck import FLOOR, KOREAN, AgeConvention, DaewoonRounding, Direction
from saju.analysis.model import (
    Analysis,
    Daewoon,
    DaewoonPeriod,
    DayLuck,
    LuckPillarInfo,
    MonthLuck,
    PillarAnalysis,
    YearLuck,
)
from saju.analysis.serialize import analysis_to_json, luck_to_json, relation_to_json

__all__ = [
    "FLOOR",
    "KOREAN",
    "AgeConvention",
    "Analysis",
    "ChartLike",
    "Daewoon",
    "DaewoonPeriod",
    "DaewoonRounding",
    "DayLuck",
    "Direction",
    "LuckPillarInfo",
    "MonthLuck",
    "PillarAnalysis",
    "YearLuck",
    "analysis_to_json",
    "analyze",
    "iljin",
    "luck_info",
    "luck_to_json",
    "natal_slots",
    "relation_to_json",
    "saju_year_on",
    "sewoon_range",
    "today_kst",
    "wolwoon",
]
