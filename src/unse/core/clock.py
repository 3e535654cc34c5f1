"""Korean time: the service's day is the KST day (the fortune date, the token budget's day, D-days).

Datetimes are stored in UTC (USE_TZ); only the calendar day a user lives in is computed here, once.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")


def kst_today(*, now: datetime | None = None) -> date:
    """Today's date in Korea (of `now`, an aware datetime, when given)."""
    return (now or datetime.now(tz=KST)).astimezone(KST).date()
