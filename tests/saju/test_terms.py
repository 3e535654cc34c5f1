"""The solar-term table: shape, published instants, a pyerfa re-derivation and a lunar-python cross-check."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saju.errors import OutOfRange
from saju.terms import (
    JIE_SECONDS,
    KST,
    TERM_SECONDS,
    TERMS_PER_YEAR,
    next_jie,
    previous_jie,
    term_instant,
    terms_of_year,
)

BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_every_year_has_24_terms_in_order_from_sohan_to_dongji() -> None:
    for year in range(1900, 2101):
        terms = terms_of_year(year)
        assert len(terms) == TERMS_PER_YEAR
        assert terms[0].name_hangul == "소한" and terms[-1].name_hangul == "동지"
        assert [t.index for t in terms] == list(range(24))
        assert all(t.instant_kst.year == year for t in terms)
        assert all(a.instant < b.instant for a, b in zip(terms, terms[1:], strict=False))


def test_term_metadata() -> None:
    ipchun = terms_of_year(2026)[2]
    assert (ipchun.name_hangul, ipchun.name_hanja, ipchun.longitude, ipchun.is_jie) == (
        "입춘",
        "立春",
        315,
        True,
    )
    assert [t.name_hangul for t in terms_of_year(2026) if t.is_jie] == [
        "소한", "입춘", "경칩", "청명", "입하", "망종", "소서", "입추", "백로", "한로", "입동", "대설",
    ]  # fmt: skip
    assert ipchun.instant.tzinfo is dt.UTC


@pytest.mark.parametrize(
    ("year", "index", "published_kst"),
    [
        # KASI 월력요항 / 천문우주지식정보 (minutes): 2024 입춘 17:27, 2025 입춘 23:10, 2026 입춘 05:02.
        (2024, 2, "2024-02-04T17:27"),
        (2025, 2, "2025-02-03T23:10"),
        (2026, 2, "2026-02-04T05:02"),
    ],
)
def test_published_kasi_minutes(year: int, index: int, published_kst: str) -> None:
    ours = terms_of_year(year)[index].instant_kst
    assert ours.strftime("%Y-%m-%dT%H:%M") == published_kst


def test_march_2000_equinox() -> None:
    # The March 2000 equinox at 07:35 UT (USNO, Astronomical Almanac 2000).
    assert term_instant(2000, 5).strftime("%Y-%m-%d %H:%M") == "2000-03-20 07:35"


@pytest.mark.filterwarnings("ignore::erfa.ErfaWarning")
def test_rederive_sample_with_pyerfa() -> None:
    gen = pytest.importorskip("scripts.gen_terms")
    rng = np.random.default_rng(20260101)
    positions = np.sort(rng.choice(len(TERM_SECONDS), size=40, replace=False))
    derived = gen.term_unix_seconds(positions.astype(np.int64))
    for position, seconds in zip(positions, derived, strict=True):
        assert abs(int(seconds) - TERM_SECONDS[int(position)]) <= 1


@pytest.mark.parametrize("year", [1900, 1925, 1950, 1975, 1988, 2000, 2012, 2026, 2030, 2050, 2075, 2100])
def test_cross_check_lunar_python_beijing_time(year: int) -> None:
    solar_cls = pytest.importorskip("lunar_python").Solar
    table = solar_cls.fromYmd(year, 6, 1).getLunar().getJieQiTable()
    ours = terms_of_year(year)
    tolerance = 5 if year <= 2015 else 60  # after ~2015 the ΔT predictions of the two libraries diverge
    matched = 0
    for solar in table.values():
        theirs = dt.datetime(
            solar.getYear(), solar.getMonth(), solar.getDay(),
            solar.getHour(), solar.getMinute(), solar.getSecond(), tzinfo=BEIJING,
        )  # fmt: skip
        if theirs.astimezone(KST).year != year:
            continue
        nearest = min(ours, key=lambda t: abs((t.instant - theirs).total_seconds()))
        assert abs((nearest.instant - theirs).total_seconds()) <= tolerance
        matched += 1
    assert matched == 24


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-2208988800 + 86400 * 40, max_value=4133980799 - 86400 * 40))
def test_previous_and_next_jie_bracket_any_instant(seconds: int) -> None:
    instant = dt.datetime.fromtimestamp(seconds, dt.UTC)
    before, after = previous_jie(instant), next_jie(instant)
    assert before.is_jie and after.is_jie
    assert before.instant <= instant < after.instant
    assert 29 <= (after.instant - before.instant).days <= 32
    assert (after.index - before.index) % 24 == 2


def test_jie_boundary_is_inclusive_at_the_instant() -> None:
    ipchun = terms_of_year(2026)[2]
    assert previous_jie(ipchun.instant) == ipchun
    assert previous_jie(ipchun.instant - dt.timedelta(seconds=1)).name_hangul == "소한"
    assert next_jie(ipchun.instant).name_hangul == "경칩"
    assert len(JIE_SECONDS) * 2 == len(TERM_SECONDS)


def test_naive_and_out_of_range_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        previous_jie(dt.datetime(2000, 1, 1))  # noqa: DTZ001
    with pytest.raises(OutOfRange):
        terms_of_year(1899)
    with pytest.raises(OutOfRange):
        terms_of_year(2101)
    with pytest.raises(OutOfRange):
        previous_jie(dt.datetime(1850, 1, 1, tzinfo=dt.UTC))


@pytest.mark.filterwarnings("ignore::erfa.ErfaWarning")
def test_new_moon_solver_matches_meeus_example() -> None:
    # Meeus, Astronomical Algorithms, example 49.a: new moon 1977-02-18 03:37:42 TD (JDE 2443192.65118).
    gen = pytest.importorskip("scripts.gen_terms")
    seconds = gen.new_moons_unix_seconds(2443180.0, 2443200.0)
    assert len(seconds) == 1
    jde = 2443192.65118
    expected_ut = (jde - gen.UNIX_EPOCH_JD) * 86400 - float(gen.delta_t_seconds(np.array([1977.13]))[0])
    assert abs(seconds[0] - expected_ut) < 10
