"""The four pillars of a birth: :func:`chart_from_birth` and its JSON document :func:`chart_to_json`.

Year and month come from the birth instant compared with the solar-term table (never from a wall
clock); day and hour from the local time on the chosen time basis and 자시 convention. See
docs/calendar.md for every convention and why its default was chosen.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, TypeVar

from saju.birth import BirthInput, DayChange, TimeBasis
from saju.calendar import (
    MAX_DATE,
    MIN_DATE,
    LunarDate,
    day_pillar_index,
    lunar_available,
    month_pillar_index,
    saju_year_of,
    solar_to_lunar,
    year_pillar_of,
)
from saju.core import PILLARS, SEXAGENARY_CYCLE, Pillar, Stem
from saju.errors import AMBIGUOUS_TIME, MISSING_LONGITUDE, NONEXISTENT_TIME, InvalidBirth, OutOfRange
from saju.terms import JIE_SECONDS, TERM_NAMES_HANGUL, TERMS_PER_YEAR, SolarTerm, _term_at, jie_position
from saju.tz import KOREAN_ZONES, TZDATA_VERSION, zone

T = TypeVar("T")
SECONDS_PER_DAY: Final = 86400
SECONDS_PER_HOUR: Final = 3600
SECONDS_PER_DEGREE: Final = 240  # the Earth turns 1° in 4 minutes
UNIX_EPOCH_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()
SEOUL_LONGITUDE: Final = 126.978  # Seoul City Hall, the default birthplace for Korean zones
KOREAN_TABLE_MERIDIAN: Final = 127.5  # the meridian of the 반시 table (UTC+8:30)
TABLE_MERIDIAN_STEP: Final = 7.5  # half-hour meridians abroad
HOUR_BRANCHES: Final = 12
LATE_JASI_HOUR: Final = 23  # 23:00–23:59, the hour the day_change rules are about
JIE_TERM_STEP: Final = 2  # 절 are every second term of the table
TERMS_SOURCE: Final = "IAU 2006/2000A apparent solar longitude (pyerfa), ΔT Espenak & Meeus 2006"
LUNAR_SOURCE: Final = (
    "KASI (korean-lunar-calendar) to 2050-12-31; 2051-2100 computed with KASI's rules at UTC+9 (ERFA moon98)"
)
J2000_UNIX: Final = 946728000  # 2000-01-01T12:00:00Z
DAYS_PER_CENTURY: Final = 36525.0


@dataclass(frozen=True)
class Conventions:
    """Everything a chart depended on beyond the birth itself, echoed in every output."""

    time_basis: TimeBasis
    day_change: DayChange
    timezone: str
    longitude: float | None  # longitude used by lmt/tst (None for civil/standard/table in Korea)
    meridian: float | None  # reference meridian of the table basis
    utc_offset_seconds: int  # civil UTC offset at the birth (DST included)
    dst: bool
    correction_minutes: float  # local time used for day/hour minus the civil wall time
    fold: int | None  # the fold that resolved an ambiguous wall time, else None
    tzdata_version: str = TZDATA_VERSION


@dataclass(frozen=True)
class Chart:
    birth: BirthInput
    year: Pillar
    month: Pillar
    day: Pillar
    hour: Pillar | None
    instant_utc: dt.datetime | None  # None when the time is unknown
    solar_date: dt.date
    lunar: LunarDate | None  # None only outside the lunar table
    local_for_day_hour: dt.datetime | None  # naive, on the chosen time basis; None when time unknown
    conventions: Conventions
    representative_instant_utc: dt.datetime  # the instant that decided year and month
    month_uncertain: bool  # time unknown and a 절 falls on the birth date
    saju_year: int  # the year whose 입춘 starts the year pillar
    jie_position: int  # position of ``previous_jie`` in saju.terms.JIE_SECONDS

    @property
    def pillars(self) -> tuple[Pillar | None, Pillar | None, Pillar | None, Pillar | None]:
        """Year, month, day, hour (hour None when the time is unknown)."""
        return (self.year, self.month, self.day, self.hour)

    @property
    def day_master(self) -> Stem:
        return self.day.stem

    @property
    def previous_jie(self) -> SolarTerm:
        """The last 절 at or before the representative instant (for 대운 counting)."""
        return _term_at(JIE_TERM_STEP * self.jie_position)

    @property
    def next_jie(self) -> SolarTerm:
        """The first 절 after the representative instant."""
        return _term_at(JIE_TERM_STEP * (self.jie_position + 1))


def _trusted(cls: type[T], fields: dict[str, object]) -> T:
    """An instance of the frozen dataclass ``cls`` holding ``fields`` (every field, already computed).

    The frozen ``__init__`` routes each field through ``object.__setattr__``; for Chart and Conventions,
    which validate nothing, that was a fifth of the cost of a whole chart. Equality, hashing, repr and
    ``dataclasses.replace`` are unaffected.
    """
    instance = object.__new__(cls)
    object.__setattr__(instance, "__dict__", fields)
    return instance


def equation_of_time_seconds(unix_seconds: float) -> float:
    """Apparent minus mean solar time (Meeus, Astronomical Algorithms 28.3; a few seconds accurate)."""
    t = (unix_seconds - J2000_UNIX) / SECONDS_PER_DAY / DAYS_PER_CENTURY
    l0 = math.radians(280.46646 + 36000.76983 * t)
    m = math.radians(357.52911 + 35999.05029 * t)
    e = 0.016708634 - 0.000042037 * t
    eps = math.radians(23.439291 - 0.0130042 * t)
    y = math.tan(eps / 2) ** 2
    eot = (
        y * math.sin(2 * l0)
        - 2 * e * math.sin(m)
        + 4 * e * y * math.sin(m) * math.cos(2 * l0)
        - 0.5 * y * y * math.sin(4 * l0)
        - 1.25 * e * e * math.sin(2 * m)
    )
    return math.degrees(eot) * SECONDS_PER_DEGREE


def _utc_offset(birth: BirthInput) -> tuple[int, int, int | None]:
    """(UTC offset s, DST s, fold used) of the reported wall time; errors for gaps and overlaps."""
    tz = zone(birth.timezone)
    local = birth.local
    first = tz.utcoffset(local)
    second = tz.utcoffset(local.replace(fold=1))
    if first is None or second is None:  # pragma: no cover - ZoneInfo always answers
        raise InvalidBirth(NONEXISTENT_TIME, "시간대 정보를 계산할 수 없습니다.")
    fold: int | None = None
    if first != second:
        when = local.strftime("%Y-%m-%d %H:%M")
        if birth.time_unknown:
            fold = 0  # representative noon only; never reached for Korean transitions
        elif second > first:
            raise InvalidBirth(
                NONEXISTENT_TIME,
                f"{birth.timezone}에서 {when}은(는) 시계가 건너뛰어 존재하지 않은 시각입니다.",
            )
        elif birth.fold is None:
            raise InvalidBirth(
                AMBIGUOUS_TIME,
                f"{birth.timezone}에서 {when}은(는) 두 번 있었던 시각입니다. fold=0(앞) 또는 1(뒤)을 지정하세요.",
            )
        else:
            fold = birth.fold
    offset = second if fold == 1 else first
    dst = tz.dst(local.replace(fold=1) if fold == 1 else local)
    return (
        offset.days * SECONDS_PER_DAY + offset.seconds,
        0 if dst is None else dst.days * SECONDS_PER_DAY + dst.seconds,
        fold,
    )


def _basis_offset(
    birth: BirthInput, utc_seconds: int, offset: int, dst: int
) -> tuple[float, float | None, float | None]:
    """(seconds to add to UTC for the day/hour clock, longitude used, meridian used)."""
    basis = birth.time_basis
    if basis is TimeBasis.CIVIL:
        return float(offset), None, None
    if basis is TimeBasis.STANDARD:
        return float(offset - dst), None, None
    korean = birth.timezone in KOREAN_ZONES
    longitude = birth.longitude
    if basis is TimeBasis.TABLE and korean:
        return KOREAN_TABLE_MERIDIAN * SECONDS_PER_DEGREE, None, KOREAN_TABLE_MERIDIAN
    if longitude is None:
        if not korean:
            raise InvalidBirth(
                MISSING_LONGITUDE,
                f"time_basis={basis.value}에는 출생지 경도(longitude)가 필요합니다 (또는 time_basis=standard).",
            )
        longitude = SEOUL_LONGITUDE
    if basis is TimeBasis.TABLE:
        meridian = round(longitude / TABLE_MERIDIAN_STEP) * TABLE_MERIDIAN_STEP
        return meridian * SECONDS_PER_DEGREE, None, meridian
    mean = longitude * SECONDS_PER_DEGREE
    if basis is TimeBasis.LMT:
        return mean, longitude, None
    return mean + equation_of_time_seconds(utc_seconds), longitude, None


def chart_from_birth(birth: BirthInput) -> Chart:
    """The four pillars of ``birth``; raises InvalidBirth (OUT_OF_RANGE, NONEXISTENT_TIME, ...)."""
    local = birth.local
    civil_date = local.date()
    if not MIN_DATE <= civil_date <= MAX_DATE:
        raise OutOfRange(
            f"{MIN_DATE.year}–{MAX_DATE.year}년의 출생만 지원합니다 (입력: {civil_date.isoformat()})."
        )
    offset, dst, fold = _utc_offset(birth)
    civil_ordinal = civil_date.toordinal()
    wall_seconds = (
        (civil_ordinal - UNIX_EPOCH_ORDINAL) * SECONDS_PER_DAY
        + local.hour * SECONDS_PER_HOUR
        + local.minute * 60
        + local.second
    )
    utc_seconds = wall_seconds - offset
    position = jie_position(utc_seconds)
    saju_year = saju_year_of(position)
    year = year_pillar_of(saju_year)
    month = PILLARS[month_pillar_index(position)]
    representative = dt.datetime.fromtimestamp(utc_seconds, dt.UTC)

    if birth.time_unknown:
        day = PILLARS[day_pillar_index(civil_ordinal)]
        hour: Pillar | None = None
        local_used: dt.datetime | None = None
        instant: dt.datetime | None = None
        day_start = utc_seconds - local.hour * SECONDS_PER_HOUR - local.minute * 60 - local.second
        month_uncertain = JIE_SECONDS[position] >= day_start or JIE_SECONDS[position + 1] < (
            day_start + SECONDS_PER_DAY
        )
        add, longitude, meridian = 0.0, None, None
    else:
        add, longitude, meridian = _basis_offset(birth, utc_seconds, offset, dst)
        clock = math.floor(utc_seconds + add)
        days, second_of_day = divmod(clock, SECONDS_PER_DAY)
        ordinal = days + UNIX_EPOCH_ORDINAL
        hour_of_day = second_of_day // SECONDS_PER_HOUR
        hour_day = ordinal
        if hour_of_day == LATE_JASI_HOUR:
            hour_day = ordinal + 1
            if birth.day_change is DayChange.H23:
                ordinal += 1
            elif birth.day_change is DayChange.MIDNIGHT:
                hour_day -= 1
        day_index = day_pillar_index(ordinal)
        day = PILLARS[day_index]
        branch = ((hour_of_day + 1) // 2) % HOUR_BRANCHES
        hour = PILLARS[(HOUR_BRANCHES * day_pillar_index(hour_day) + branch) % SEXAGENARY_CYCLE]
        local_used = dt.datetime.fromordinal(days + UNIX_EPOCH_ORDINAL) + dt.timedelta(seconds=second_of_day)
        instant = representative
        month_uncertain = False

    conventions = _trusted(
        Conventions,
        {
            "time_basis": birth.time_basis,
            "day_change": birth.day_change,
            "timezone": birth.timezone,
            "longitude": longitude,
            "meridian": meridian,
            "utc_offset_seconds": offset,
            "dst": dst != 0,
            "correction_minutes": 0.0 if birth.time_unknown else round((add - offset) / 60, 2),
            "fold": fold,
            "tzdata_version": TZDATA_VERSION,
        },
    )
    lunar = birth.lunar_date
    if lunar is None and lunar_available(civil_date):
        lunar = solar_to_lunar(civil_date)
    return _trusted(
        Chart,
        {
            "birth": birth,
            "year": year,
            "month": month,
            "day": day,
            "hour": hour,
            "instant_utc": instant,
            "solar_date": civil_date,
            "lunar": lunar,
            "local_for_day_hour": local_used,
            "conventions": conventions,
            "representative_instant_utc": representative,
            "month_uncertain": month_uncertain,
            "saju_year": saju_year,
            "jie_position": position,
        },
    )


def _utc_iso(instant: dt.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` of a whole-second UTC instant."""
    return instant.isoformat()[:19] + "Z"


_JIE_ISO: dict[int, str] = {}


def _jie_iso(position: int) -> str:
    """ISO text of a 절 instant; memoized per table entry (table data, not per-birth results)."""
    text = _JIE_ISO.get(position)
    if text is None:
        text = _JIE_ISO[position] = _utc_iso(dt.datetime.fromtimestamp(JIE_SECONDS[position], dt.UTC))
    return text


def _jie_name(position: int) -> str:
    return TERM_NAMES_HANGUL[(JIE_TERM_STEP * position) % TERMS_PER_YEAR]


_HANGUL_OF: Final[dict[str, str]] = {p.hanja: p.hangul for p in PILLARS}


@lru_cache(maxsize=256)
def _offset_text(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    minutes, rest = divmod(abs(seconds), 60)
    text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{text}:{rest:02d}" if rest else text


def _hanja(pillar: Pillar) -> str:
    # Enum ``_value_`` is the hanja; reading it directly skips two property lookups per pillar.
    return str(pillar.stem._value_) + str(pillar.branch._value_)


def conventions_to_json(conventions: Conventions) -> dict[str, object]:
    return {
        "time_basis": str(conventions.time_basis._value_),
        "day_change": str(conventions.day_change._value_),
        "timezone": conventions.timezone,
        "longitude": conventions.longitude,
        "meridian": conventions.meridian,
        "utc_offset": _offset_text(conventions.utc_offset_seconds),
        "dst": conventions.dst,
        "correction_minutes": conventions.correction_minutes,
        "fold": conventions.fold,
        "year_month_rule": "exact instants of 입춘 and each 절",
        "terms_source": TERMS_SOURCE,
        "lunar_source": LUNAR_SOURCE,
        "tzdata": conventions.tzdata_version,
    }


def chart_to_json(chart: Chart) -> dict[str, object]:
    """The stable JSON document of ``saju chart --json`` (documented in docs/calendar.md)."""
    lunar = chart.lunar
    local_used = chart.local_for_day_hour
    year, month, day = _hanja(chart.year), _hanja(chart.month), _hanja(chart.day)
    hour = None if chart.hour is None else _hanja(chart.hour)
    return {
        "input": chart.birth.to_mapping(),
        "pillars": {"year": year, "month": month, "day": day, "hour": hour},
        "pillars_hangul": {
            "year": _HANGUL_OF[year],
            "month": _HANGUL_OF[month],
            "day": _HANGUL_OF[day],
            "hour": None if hour is None else _HANGUL_OF[hour],
        },
        "day_master": day[0],
        "saju_year": chart.saju_year,
        "solar_date": chart.solar_date.isoformat(),
        "lunar": None
        if lunar is None
        else {"year": lunar.year, "month": lunar.month, "day": lunar.day, "leap": lunar.leap},
        "instant_utc": None if chart.instant_utc is None else _utc_iso(chart.instant_utc),
        "representative_instant_utc": _utc_iso(chart.representative_instant_utc),
        "local_for_day_hour": None if local_used is None else local_used.isoformat(),
        "month_uncertain": chart.month_uncertain,
        "jie": {
            "previous": {"name": _jie_name(chart.jie_position), "instant_utc": _jie_iso(chart.jie_position)},
            "next": {
                "name": _jie_name(chart.jie_position + 1),
                "instant_utc": _jie_iso(chart.jie_position + 1),
            },
        },
        "conventions": conventions_to_json(chart.conventions),
    }
