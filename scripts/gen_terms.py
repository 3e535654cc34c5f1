"""Generate the data tables shipped in ``src/saju/data``.

Run from the repository root (needs the dev dependencies: pyerfa, korean-lunar-calendar)::

    .venv/bin/python scripts/gen_terms.py

Outputs
- ``terms.bin``: the 24 solar terms from 소한 1899 to 동지 2101 as little-endian int64 Unix
  seconds (UT), one per term in order; term n has apparent solar longitude (285 + 15 n) mod 360.
- ``lunar.bin``: Korean lunar month starts, little-endian int32 pairs ``(proleptic Gregorian ordinal of
  day 1, (year * 100 + month) * 2 + leap)``, plus a final pair ``(first ordinal past coverage, 0)``:
  KASI's months from ``korean-lunar-calendar`` up to solar 2050-12-31, then months computed by KASI's
  rules at UTC+9 from ERFA's ``moon98`` new moons and the term table, to solar 2100-12-31. The same
  computation reproduces every KASI month 1912–2050 (the script prints the count of differences).

Astronomy: the apparent geocentric ecliptic longitude of the Sun (true equinox and ecliptic of date)
from the IAU 2006/2000A precession-nutation (``erfa.pnm06a``, ``erfa.nut06a``, ``erfa.obl06``), the
Earth's heliocentric and barycentric state from ``erfa.epv00``, light time and annual aberration
(``erfa.ab``). Terms are solved in TT and converted to UT with the Espenak & Meeus (2006) ΔT
polynomials (NASA, "Polynomial expressions for Delta T"); UT is stored as the civil UTC instant
(|UT1 − UTC| < 0.9 s since 1972).
"""

from __future__ import annotations

import datetime as dt
import sys
import warnings
from array import array
from pathlib import Path

import erfa
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

DATA_DIR = Path(__file__).resolve().parent.parent / "src" / "saju" / "data"
FIRST_YEAR = 1899
LAST_YEAR = 2101
TERMS_PER_YEAR = 24
FIRST_LONGITUDE = 285.0  # 소한
DEGREES_PER_TERM = 15.0
TROPICAL_YEAR_DAYS = 365.24219
# TT Julian date of the March 2000 equinox: only used as the starting guess of the solver.
EQUINOX_2000_JD_TT = 2451623.816
MJD_ZERO = 2400000.5
UNIX_EPOCH_JD = 2440587.5
SECONDS_PER_DAY = 86400.0
AU_LIGHT_SECONDS = 499.004782  # ERFA_AULT
C_AU_PER_DAY = SECONDS_PER_DAY / AU_LIGHT_SECONDS
SOLVER_ITERATIONS = 8
NEW_MOON_EPOCH_JD = 2451550.09766  # Meeus 49.1, the new moon of 2000-01-06
SYNODIC_MONTH_DAYS = 29.530588861
NEWTON_STEP_DAYS = 1e-3
KST_OFFSET_SECONDS = 9 * 3600
UNIX_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
LEAP_SPAN_MONTHS = 13
MIDNIGHT_MARGIN_SECONDS = 120
LAST_LUNAR_SOLAR_YEAR = 2100


def delta_t_seconds(year: FloatArray) -> FloatArray:
    """ΔT = TT − UT in seconds, Espenak & Meeus (2006) polynomials, valid 1860–2150."""
    y = np.asarray(year, dtype=np.float64)
    out = np.full_like(y, np.nan)

    def seg(lo: float, hi: float) -> NDArray[np.bool_]:
        return (y >= lo) & (y < hi)

    m = seg(1860, 1900)
    t = y[m] - 1860
    out[m] = 7.62 + 0.5737 * t - 0.251754 * t**2 + 0.01680668 * t**3 - 0.0004473624 * t**4 + t**5 / 233174
    m = seg(1900, 1920)
    t = y[m] - 1900
    out[m] = -2.79 + 1.494119 * t - 0.0598939 * t**2 + 0.0061966 * t**3 - 0.000197 * t**4
    m = seg(1920, 1941)
    t = y[m] - 1920
    out[m] = 21.20 + 0.84493 * t - 0.076100 * t**2 + 0.0020936 * t**3
    m = seg(1941, 1961)
    t = y[m] - 1950
    out[m] = 29.07 + 0.407 * t - t**2 / 233 + t**3 / 2547
    m = seg(1961, 1986)
    t = y[m] - 1975
    out[m] = 45.45 + 1.067 * t - t**2 / 260 - t**3 / 718
    m = seg(1986, 2005)
    t = y[m] - 2000
    out[m] = (
        63.86 + 0.3345 * t - 0.060374 * t**2 + 0.0017275 * t**3 + 0.000651814 * t**4 + 0.00002373599 * t**5
    )
    m = seg(2005, 2050)
    t = y[m] - 2000
    out[m] = 62.92 + 0.32217 * t + 0.005589 * t**2
    m = seg(2050, 2150)
    out[m] = -20 + 32 * ((y[m] - 1820) / 100) ** 2 - 0.5628 * (2150 - y[m])
    if np.isnan(out).any():
        raise ValueError("ΔT model used outside 1860–2150")
    return out


def apparent_solar_longitude(jd_tt: FloatArray) -> FloatArray:
    """Apparent geocentric ecliptic longitude of the Sun in degrees [0, 360), true equinox of date."""
    d2 = np.asarray(jd_tt, dtype=np.float64) - MJD_ZERO
    d1 = np.full_like(d2, MJD_ZERO)
    pvh, pvb = erfa.epv00(d1, d2)  # TDB ≈ TT (difference < 2 ms)
    earth_helio = pvh["p"]
    earth_bary = pvb["p"]
    earth_bary_v = pvb["v"]
    sun_bary_v = pvb["v"] - pvh["v"]
    geo = -earth_helio
    dist = np.linalg.norm(geo, axis=-1)
    # Light time: where the Sun was when the light left it.
    geo = geo - (dist / C_AU_PER_DAY)[:, None] * sun_bary_v
    dist = np.linalg.norm(geo, axis=-1)
    pnat = geo / dist[:, None]
    del earth_bary
    v = earth_bary_v / C_AU_PER_DAY
    bm1 = np.sqrt(1.0 - np.sum(v * v, axis=-1))
    ppr = erfa.ab(pnat, v, dist, bm1)
    rbpn = erfa.pnm06a(d1, d2)
    true_equ = erfa.rxp(rbpn, ppr)
    _, deps = erfa.nut06a(d1, d2)
    eps = erfa.obl06(d1, d2) + deps
    x = true_equ[:, 0]
    y = true_equ[:, 1] * np.cos(eps) + true_equ[:, 2] * np.sin(eps)
    lon = np.degrees(np.arctan2(y, x))
    return np.mod(lon, 360.0)


def tt_to_unix_seconds(jd_tt: FloatArray) -> FloatArray:
    year = 2000.0 + (jd_tt - 2451544.5) / 365.2425
    jd_ut = jd_tt - delta_t_seconds(year) / SECONDS_PER_DAY
    return (jd_ut - UNIX_EPOCH_JD) * SECONDS_PER_DAY


def solve_terms(absolute_index: NDArray[np.int64]) -> FloatArray:
    """TT Julian dates of terms counted from 소한 1899 (index 0), solved to well under a second."""
    k = np.asarray(absolute_index, dtype=np.float64)
    # Degrees after the March 2000 equinox; 소한 1899 lies 101 years and 75° before it.
    offset_deg = (FIRST_LONGITUDE - 360.0) + DEGREES_PER_TERM * k - 360.0 * (2000 - FIRST_YEAR)
    target = np.mod(FIRST_LONGITUDE + DEGREES_PER_TERM * k, 360.0)
    jd = EQUINOX_2000_JD_TT + offset_deg / 360.0 * TROPICAL_YEAR_DAYS
    for _ in range(SOLVER_ITERATIONS):
        diff = np.mod(target - apparent_solar_longitude(jd) + 180.0, 360.0) - 180.0
        jd = jd + diff / 360.0 * TROPICAL_YEAR_DAYS
    residual = np.abs(np.mod(target - apparent_solar_longitude(jd) + 180.0, 360.0) - 180.0)
    if residual.max() > 1e-7:
        raise RuntimeError(f"solar-term solver did not converge: {residual.max()} deg")
    return jd


def term_unix_seconds(absolute_index: NDArray[np.int64]) -> NDArray[np.int64]:
    return np.rint(tt_to_unix_seconds(solve_terms(absolute_index))).astype(np.int64)


def build_terms() -> array[int]:
    count = (LAST_YEAR - FIRST_YEAR + 1) * TERMS_PER_YEAR
    seconds = term_unix_seconds(np.arange(count, dtype=np.int64))
    if not np.all(np.diff(seconds) > 0):
        raise RuntimeError("terms are not increasing")
    return array("q", (int(s) for s in seconds))


def _ecliptic_longitude_of_date(direction: FloatArray, d1: FloatArray, d2: FloatArray) -> FloatArray:
    true_equ = erfa.rxp(erfa.pnm06a(d1, d2), direction)
    _, deps = erfa.nut06a(d1, d2)
    eps = erfa.obl06(d1, d2) + deps
    y = true_equ[:, 1] * np.cos(eps) + true_equ[:, 2] * np.sin(eps)
    return np.mod(np.degrees(np.arctan2(y, true_equ[:, 0])), 360.0)


def apparent_lunar_longitude(jd_tt: FloatArray) -> FloatArray:
    """Geocentric ecliptic longitude of the Moon (true equinox of date), ERFA moon98 (Meeus; ~3" RMS)."""
    d2 = np.asarray(jd_tt, dtype=np.float64) - MJD_ZERO
    d1 = np.full_like(d2, MJD_ZERO)
    pv = erfa.moon98(d1, d2)
    position = pv["p"] if pv.dtype.names else pv[..., 0, :]
    return _ecliptic_longitude_of_date(position, d1, d2)


def new_moons_unix_seconds(first_jd_tt: float, last_jd_tt: float) -> FloatArray:
    """UT instants (Unix seconds) of the new moons (Moon − Sun apparent longitude = 0) in the interval."""
    k = np.arange(
        np.floor((first_jd_tt - NEW_MOON_EPOCH_JD) / SYNODIC_MONTH_DAYS) - 1,
        np.ceil((last_jd_tt - NEW_MOON_EPOCH_JD) / SYNODIC_MONTH_DAYS) + 2,
    )
    jd = NEW_MOON_EPOCH_JD + SYNODIC_MONTH_DAYS * k

    def elongation(t: FloatArray) -> FloatArray:
        diff = apparent_lunar_longitude(t) - apparent_solar_longitude(t)
        return np.mod(diff + 180.0, 360.0) - 180.0

    for _ in range(SOLVER_ITERATIONS):
        value = elongation(jd)
        rate = (elongation(jd + NEWTON_STEP_DAYS) - value) / NEWTON_STEP_DAYS
        jd = jd - value / rate
    if np.abs(elongation(jd)).max() > 1e-7:
        raise RuntimeError("new-moon solver did not converge")
    jd = jd[(jd >= first_jd_tt) & (jd <= last_jd_tt)]
    return tt_to_unix_seconds(jd)


def _kst_ordinal(unix_seconds: FloatArray) -> NDArray[np.int64]:
    return (
        np.floor((unix_seconds + KST_OFFSET_SECONDS) / SECONDS_PER_DAY).astype(np.int64) + UNIX_EPOCH_ORDINAL
    )


def astronomical_korean_months(
    terms: array[int], first_year: int, last_year: int
) -> tuple[list[tuple[int, int, int, bool]], list[float]]:
    """Korean lunar months (start ordinal, year, month, leap) from the 동지 of ``first_year`` to that of
    ``last_year``, by KASI's rules at UTC+9: a month starts on the KST day of the new moon, 동지 is in
    month 11, and in a 동지-to-동지 span of 13 months the first month without a 중기 is the leap month.
    Also returns the new moons closer than ``MIDNIGHT_MARGIN_SECONDS`` to a KST midnight (uncertain days)."""
    jd_first = UNIX_EPOCH_JD + (terms[(first_year - FIRST_YEAR) * TERMS_PER_YEAR] / SECONDS_PER_DAY) - 40
    jd_last = UNIX_EPOCH_JD + terms[(last_year - FIRST_YEAR) * TERMS_PER_YEAR + 23] / SECONDS_PER_DAY + 40
    moons = new_moons_unix_seconds(jd_first, jd_last)
    local = np.mod(moons + KST_OFFSET_SECONDS, SECONDS_PER_DAY)
    close = [
        float(m)
        for m, t in zip(moons, local, strict=True)
        if min(t, SECONDS_PER_DAY - t) < MIDNIGHT_MARGIN_SECONDS
    ]
    starts = _kst_ordinal(moons)
    term_days = _kst_ordinal(np.asarray(terms, dtype=np.float64))
    principal = term_days[1::2]  # 중기: the odd terms (대한, 우수, 춘분, ... 동지)

    def month_of(day: int) -> int:
        return int(np.searchsorted(starts, day, side="right") - 1)

    winter = {
        y: month_of(int(term_days[(y - FIRST_YEAR) * TERMS_PER_YEAR + 23]))
        for y in range(first_year, last_year + 1)
    }
    months: list[tuple[int, int, int, bool]] = []
    for year in range(first_year, last_year):
        first, stop = winter[year], winter[year + 1]
        leap_at = None
        if stop - first == LEAP_SPAN_MONTHS:
            leap_at = next(
                i for i in range(first + 1, stop)
                if not np.any((principal >= starts[i]) & (principal < starts[i + 1]))
            )  # fmt: skip
        number, lunar_year = 11, year
        for i in range(first, stop):
            if i == leap_at:
                months.append((int(starts[i]), lunar_year, number, True))
                continue
            if i != first:
                number += 1
                if number > 12:
                    number, lunar_year = 1, year + 1
            months.append((int(starts[i]), lunar_year, number, False))
    return months, close


def build_lunar(terms: array[int]) -> tuple[array[int], list[float], int]:
    """KASI months to 2050-12-31, then astronomical months to the month after 2100-12-31.

    Returns the table, the uncertain new moons after the KASI data, and the number of KASI months
    1912–2050 the astronomical rules do NOT reproduce (expected 0)."""
    from korean_lunar_calendar import KoreanLunarCalendar

    cal = KoreanLunarCalendar()
    kasi: list[tuple[int, int, int, bool]] = []
    for year in range(FIRST_YEAR, 2051):
        for month in range(1, 13):
            for leap in (False, True):
                if not cal.setLunarDate(year, month, 1, leap):
                    continue
                if leap and not cal.isIntercalation:
                    continue
                start = dt.date(cal.solarYear, cal.solarMonth, cal.solarDay).toordinal()
                kasi.append((start, year, month, leap))
    computed, close = astronomical_korean_months(terms, FIRST_YEAR, LAST_YEAR)
    by_start = {m[0]: m for m in computed}
    mismatches = sum(1 for m in kasi if m[0] >= dt.date(1912, 1, 1).toordinal() and by_start.get(m[0]) != m)
    last_kasi = kasi[-1][0]
    end = dt.date(LAST_LUNAR_SOLAR_YEAR, 12, 31).toordinal()
    extension = [m for m in computed if m[0] > last_kasi]
    months = kasi + [m for m in extension if m[0] <= end]
    sentinel = next(m[0] for m in extension if m[0] > end)
    out = array("i")
    for start, year, month, leap in months:
        out.extend((start, (year * 100 + month) * 2 + int(leap)))
    out.extend((sentinel, 0))
    kasi_end = dt.date(2050, 12, 31).toordinal()
    uncertain = [m for m in close if _kst_ordinal(np.array([m]))[0] > kasi_end]
    return out, uncertain, mismatches


def write(path: Path, data: array[int]) -> None:
    if sys.byteorder != "little":
        data = array(data.typecode, data)
        data.byteswap()
    path.write_bytes(data.tobytes())


def main() -> None:
    # epv00 is specified for 1900–2100; the few 1899/2101 padding terms degrade by milliseconds only.
    warnings.filterwarnings("ignore", category=erfa.ErfaWarning)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    terms = build_terms()
    write(DATA_DIR / "terms.bin", terms)
    lunar, uncertain, mismatches = build_lunar(terms)
    write(DATA_DIR / "lunar.bin", lunar)
    print(f"wrote {len(terms)} terms and {len(lunar) // 2 - 1} lunar months to {DATA_DIR}")
    print(f"KASI months 1912-2050 not reproduced by the astronomical rules: {mismatches}")
    for seconds in uncertain:
        when = dt.datetime.fromtimestamp(seconds, dt.timezone(dt.timedelta(hours=9)))
        print(
            f"new moon within {MIDNIGHT_MARGIN_SECONDS} s of KST midnight (day uncertain): {when:%Y-%m-%d %H:%M:%S}"
        )


if __name__ == "__main__":
    main()
