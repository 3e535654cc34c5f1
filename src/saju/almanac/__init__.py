"""만세력 almanac: the month grid (``month_calendar``) and the lunar ↔ solar converter.

Pure and immutable like the rest of the engine; ``saju calendar`` and ``saju convert`` are its CLI
(``saju.almanac.cli``), ``saju.almanac.document`` its JSON. See docs/calendar.md ("만세력 달력").
"""

from saju.almanac.convert import Conversion, convert_lunar, convert_solar
from saju.almanac.month import (
    CalendarDay,
    MonthCalendar,
    PillarChange,
    month_calendar,
    public_holidays,
    son_direction,
)

__all__ = [
    "CalendarDay",
    "Conversion",
    "MonthCalendar",
    "PillarChange",
    "convert_lunar",
    "convert_solar",
    "month_calendar",
    "public_holidays",
    "son_direction",
]
