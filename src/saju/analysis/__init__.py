"""Engine part 2: full chart analysis (십신, 지장간, 12운성, 납음, 공망, 합충형파해, 신살, 오행, 신강약·용신,
격국, 대운·세운·월운·일진).

Public entry points: `analyze(chart, reference=..., daewoon_rounding=KOREAN)` and `analysis_to_json(analysis)`.
Stable typed structures for features built on the analysis (궁합, 신년운세, the day signature): `Yongsin`
(the five roles, `role(element)`), `Strength` / `StrengthBand`, `Gyeokguk`, `luck_fit(yongsin, pillar)` →
`LuckFit`, `MonthUncertainty`.
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
from saju.analysis.combine import COMBINE_RULE, Transformation
from saju.analysis.gyeokguk import GYEOKGUK_METHOD, Gyeokguk
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
from saju.analysis.strength import Strength, StrengthBand
from saju.analysis.uncertain import MonthOption, MonthUncertainty
from saju.analysis.yongsin import ElementRole, JohuOutcome, LuckFit, Yongsin, YongsinBasis, luck_fit

__all__ = [
    "COMBINE_RULE",
    "FLOOR",
    "GYEOKGUK_METHOD",
    "KOREAN",
    "AgeConvention",
    "Analysis",
    "ChartLike",
    "Daewoon",
    "DaewoonPeriod",
    "DaewoonRounding",
    "DayLuck",
    "Direction",
    "ElementRole",
    "Gyeokguk",
    "JohuOutcome",
    "LuckFit",
    "LuckPillarInfo",
    "MonthLuck",
    "MonthOption",
    "MonthUncertainty",
    "PillarAnalysis",
    "Strength",
    "StrengthBand",
    "Transformation",
    "YearLuck",
    "Yongsin",
    "YongsinBasis",
    "analysis_to_json",
    "analyze",
    "iljin",
    "luck_fit",
    "luck_info",
    "luck_to_json",
    "natal_slots",
    "relation_to_json",
    "saju_year_on",
    "sewoon_range",
    "today_kst",
    "wolwoon",
]
