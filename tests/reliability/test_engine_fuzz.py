"""Scenario 8, fuzzing the engine's inputs: any JSON-like birth object (right keys with wrong types, odd
strings, extreme numbers, unknown keys) either gives a chart and its analysis or raises the documented
validation error `SajuError` (with a code and a Korean message); never any other exception."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saju.analysis.analyze import analyze
from saju.birth import MAPPING_KEYS, BirthInput
from saju.chart import chart_from_birth
from saju.errors import SajuError

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
_DATETIMES = st.one_of(
    st.from_regex(
        r"-?[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?)?", fullmatch=True
    ),
    st.datetimes().map(lambda value: value.isoformat(timespec="minutes")),
    _SCALARS,
)
_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "datetime": _DATETIMES,
    "timezone": st.one_of(
        st.sampled_from(["Asia/Seoul", "UTC", "America/New_York", "Nowhere/City", "+09:00"]), _SCALARS
    ),
    "calendar": st.one_of(st.sampled_from(["solar", "lunar", "julian"]), _SCALARS),
    "leap": _SCALARS,
    "longitude": st.one_of(st.floats(min_value=-400, max_value=400), _SCALARS),
    "time_basis": st.one_of(st.sampled_from(["civil", "standard", "lmt", "solar"]), _SCALARS),
    "day_change": st.one_of(st.sampled_from(["yajasi", "23h", "midnight"]), _SCALARS),
    "fold": st.one_of(st.sampled_from([0, 1, 2]), _SCALARS),
    "time_unknown": _SCALARS,
    "gender": st.one_of(st.sampled_from(["female", "male", "other"]), _SCALARS),
}
_BIRTHS = st.one_of(
    st.fixed_dictionaries(
        {"datetime": _DATETIMES}, optional={k: v for k, v in _VALUES.items() if k != "datetime"}
    ),
    st.dictionaries(st.sampled_from(sorted(MAPPING_KEYS | {"name", ""})), _SCALARS, max_size=4),
    _SCALARS,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_BIRTHS)
def test_any_input_gives_a_chart_or_the_documented_validation_error(data: Any) -> None:
    try:
        chart = chart_from_birth(BirthInput.from_mapping(data))
        analyze(chart)
    except SajuError as error:
        assert error.code
        assert any("\uac00" <= ch <= "\ud7a3" for ch in str(error))
