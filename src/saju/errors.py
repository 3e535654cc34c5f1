"""Engine errors: a stable machine code plus a Korean message for people.

The Django side maps any :class:`SajuError` to VALIDATION_ERROR with ``details={"engine_code": code}``;
the CLI prints ``code: message`` on one line and exits with status 2.
"""

from __future__ import annotations

from typing import Final

INVALID_DATE: Final = "INVALID_DATE"
INVALID_TIME: Final = "INVALID_TIME"
NONEXISTENT_TIME: Final = "NONEXISTENT_TIME"
AMBIGUOUS_TIME: Final = "AMBIGUOUS_TIME"
INVALID_LUNAR_DATE: Final = "INVALID_LUNAR_DATE"
OUT_OF_RANGE: Final = "OUT_OF_RANGE"
INVALID_TIMEZONE: Final = "INVALID_TIMEZONE"
INVALID_LONGITUDE: Final = "INVALID_LONGITUDE"
MISSING_LONGITUDE: Final = "MISSING_LONGITUDE"
INVALID_OPTION: Final = "INVALID_OPTION"
INVALID_INPUT: Final = "INVALID_INPUT"
INVALID_REFERENCE: Final = "INVALID_REFERENCE"
REFERENCE_BEFORE_BIRTH_MESSAGE: Final = (
    "기준일이 출생일보다 앞섭니다. 태어나기 전 날짜의 운세는 볼 수 없으니 출생일 이후의 날짜를 골라 주세요."
)

# InvalidLunarDate.reason
LUNAR_MONTH: Final = "month"
LUNAR_LEAP: Final = "leap"
LUNAR_DAY: Final = "day"


class SajuError(ValueError):
    """Base engine error with a stable ``code`` and a Korean ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def to_json(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message}}


class InvalidBirth(SajuError):
    """Any bad birth input: malformed, impossible, ambiguous or outside 1900–2100."""


class InvalidReference(SajuError):
    """A reference date (today, a fortune's day) before the birth: a forecast for someone not yet born."""

    def __init__(self) -> None:
        super().__init__(INVALID_REFERENCE, REFERENCE_BEFORE_BIRTH_MESSAGE)


class InvalidLunarDate(InvalidBirth):
    """A lunar date that did not exist (code ``INVALID_LUNAR_DATE``).

    ``reason`` names the wrong part so a form can point at it: ``month`` (not 1–12), ``leap`` (no such
    윤달 that year), ``day`` (not in that month, e.g. day 30 of a 29-day month).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(INVALID_LUNAR_DATE, message)
        self.reason = reason


class OutOfRange(InvalidBirth):
    """A date or instant outside the engine's tables (code ``OUT_OF_RANGE``)."""

    def __init__(self, message: str) -> None:
        super().__init__(OUT_OF_RANGE, message)
