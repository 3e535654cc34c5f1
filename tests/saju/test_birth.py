"""Parsing and normalizing the batch/API birth object."""

from __future__ import annotations

import datetime as dt

import pytest

from saju.birth import BirthInput, Calendar, DayChange, Gender, TimeBasis
from saju.calendar import LunarDate
from saju.chart import chart_from_birth
from saju.errors import (
    INVALID_DATE,
    INVALID_INPUT,
    INVALID_LONGITUDE,
    INVALID_LUNAR_DATE,
    INVALID_OPTION,
    INVALID_TIME,
    INVALID_TIMEZONE,
    InvalidBirth,
    SajuError,
)


def test_defaults_are_filled_in_and_echoed() -> None:
    birth = BirthInput.from_mapping({"datetime": "1990-05-15T14:30:00"})
    assert birth.local == dt.datetime(1990, 5, 15, 14, 30)  # noqa: DTZ001
    assert birth.to_mapping() == {
        "datetime": "1990-05-15T14:30:00",
        "timezone": "Asia/Seoul",
        "calendar": "solar",
        "leap": False,
        "longitude": None,
        "time_basis": "lmt",
        "day_change": "23h",
        "fold": None,
        "time_unknown": False,
        "gender": None,
    }


def test_same_birth_gives_the_same_mapping_whatever_the_spelling() -> None:
    a = BirthInput.from_mapping({"datetime": "1990-5-15 14:30"})
    b = BirthInput.from_mapping({"datetime": "1990-05-15T14:30:00", "timezone": None, "gender": None})
    assert a == b and a.to_mapping() == b.to_mapping()
    assert BirthInput.from_mapping(a.to_mapping()) == a


def test_all_fields_parse() -> None:
    birth = BirthInput.from_mapping(
        {
            "datetime": "2012-03-01T06:00",
            "timezone": "Asia/Seoul",
            "calendar": "lunar",
            "leap": True,
            "longitude": 129,
            "time_basis": "tst",
            "day_change": "yajasi",
            "fold": 1,
            "time_unknown": False,
            "gender": "female",
        }
    )
    assert birth.calendar is Calendar.LUNAR and birth.leap
    assert birth.lunar_date == LunarDate(2012, 3, 1, leap=True)
    assert birth.local == dt.datetime(2012, 4, 21, 6, 0)  # noqa: DTZ001
    assert (birth.time_basis, birth.day_change, birth.gender) == (
        TimeBasis.TST,
        DayChange.YAJASI,
        Gender.FEMALE,
    )
    assert birth.longitude == 129.0 and birth.fold == 1
    assert birth.to_mapping()["datetime"] == "2012-03-01T06:00:00"  # the lunar date as reported


def test_time_unknown_from_a_date_only_string() -> None:
    birth = BirthInput.from_mapping({"datetime": "1990-05-15"})
    assert birth.time_unknown
    assert birth.to_mapping()["datetime"] == "1990-05-15"
    ignored = BirthInput.from_mapping({"datetime": "1990-05-15T03:10", "time_unknown": True})
    assert ignored == birth


def test_lunar_day_30_of_february_is_a_real_lunar_date() -> None:
    birth = BirthInput.from_lunar(1990, 2, 30, dt.time(9, 0))
    assert birth.local == dt.datetime(1990, 3, 26, 9, 0)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({}, INVALID_DATE),
        ({"datetime": 19900515}, INVALID_DATE),
        ({"datetime": "15/05/1990"}, INVALID_DATE),
        ({"datetime": "1990-02-30T10:00"}, INVALID_DATE),
        ({"datetime": "1990-05-15T24:00"}, INVALID_TIME),
        ({"datetime": "1990-05-15T12:60"}, INVALID_TIME),
        ({"datetime": "1990-05-15", "time_unknown": False}, INVALID_TIME),
        ({"datetime": "1990-05-15T12:00", "calendar": "chinese"}, INVALID_OPTION),
        ({"datetime": "1990-05-15T12:00", "time_basis": "utc"}, INVALID_OPTION),
        ({"datetime": "1990-05-15T12:00", "day_change": "noon"}, INVALID_OPTION),
        ({"datetime": "1990-05-15T12:00", "gender": "x"}, INVALID_OPTION),
        ({"datetime": "1990-05-15T12:00", "fold": 2}, INVALID_OPTION),
        ({"datetime": "1990-05-15T12:00", "fold": True}, INVALID_OPTION),
        ({"datetime": "1990-05-15T12:00", "leap": "yes"}, INVALID_OPTION),
        ({"datetime": "1990-05-15T12:00", "leap": True}, INVALID_OPTION),
        ({"datetime": "1990-05-15T12:00", "longitude": 200}, INVALID_LONGITUDE),
        ({"datetime": "1990-05-15T12:00", "longitude": "east"}, INVALID_LONGITUDE),
        ({"datetime": "1990-05-15T12:00", "timezone": 9}, INVALID_OPTION),
        ({"datetime": "1990-05-15T12:00", "name": "홍길동"}, INVALID_INPUT),
        ({"datetime": "2012-04-01T12:00", "calendar": "lunar", "leap": True}, INVALID_LUNAR_DATE),
    ],
)
def test_bad_input_is_a_clear_error(data: dict[str, object], code: str) -> None:
    with pytest.raises(InvalidBirth) as info:
        BirthInput.from_mapping(data)
    assert info.value.code == code
    assert isinstance(info.value, SajuError) and isinstance(info.value, ValueError)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in info.value.message)  # the message is Korean


def test_unknown_timezone_is_reported_when_charting() -> None:
    birth = BirthInput.from_mapping({"datetime": "1990-05-15T12:00", "timezone": "Asia/Atlantis"})
    with pytest.raises(InvalidBirth) as info:
        chart_from_birth(birth)
    assert info.value.code == INVALID_TIMEZONE


def test_aware_local_time_is_refused() -> None:
    with pytest.raises(InvalidBirth):
        BirthInput(local=dt.datetime(1990, 1, 1, tzinfo=dt.UTC))
