"""The shared birth form (사주 입력): parses what a person types into the engine's birth mapping.

A `core` form component so every face that asks for a birth uses one definition of the fields, the
conventions and the places (unse.core.places); the web pages use it today. The name stays on the page
only: it is never part of the mapping, so it never reaches the API, the cache key or the AI prompt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django import forms

from saju import errors as engine_errors
from saju.birth import BirthInput
from unse.core.places import DEFAULT_PLACE_KEY, PLACES, PLACES_BY_KEY, Place, place_choices

MIN_YEAR = 1900
MAX_YEAR = 2100
NOON = "12:00"  # representative time sent when the hour is unknown; the engine ignores it then
# Where a profile keeps the birthplace's name next to the engine's fields (accounts.models uses the same key).
BIRTHPLACE_KEY = "birthplace"
PLACE_LONGITUDE_TOLERANCE = 0.001


@dataclass(frozen=True, slots=True)
class Convention:
    value: str
    label: str
    explanation: str


TIME_BASES: tuple[Convention, ...] = (
    Convention(
        "lmt",
        "지방평균시 (경도 보정)",
        "태어난 곳의 경도만큼 시각을 보정합니다. 서울은 표준시보다 약 32분 늦습니다.",
    ),
    Convention("standard", "표준시", "서머타임만 빼고 그 시절의 표준시를 그대로 씁니다."),
    Convention(
        "civil", "시계 시각 그대로", "태어날 때 시계가 가리킨 시각을 서머타임까지 포함해 그대로 씁니다."
    ),
    Convention("tst", "진태양시", "경도 보정에 계절마다 달라지는 균시차까지 더한 실제 태양 시각입니다."),
    Convention(
        "table",
        "반시 시간표",
        "자시를 23:30~01:29로 보는 30분 밀린 시간표입니다(경도 보정과 겹쳐 쓰지 않습니다).",
    ),
)

DAY_CHANGES: tuple[Convention, ...] = (
    Convention("midnight", "자정 기준", "날짜는 밤 0시에 바뀝니다."),
    Convention("yajasi", "야자시", "23시~자정은 그날의 일주를 쓰고, 시주만 다음 날 자시로 봅니다."),
    Convention("23h", "조자시 (23시 기준)", "밤 23시에 다음 날로 넘어간 것으로 봅니다."),
)

# What the page says for each engine code, and which field it belongs to (None: above the form).
ENGINE_FIELD_MESSAGES: dict[str, tuple[str | None, str]] = {
    engine_errors.NONEXISTENT_TIME: (
        "time",
        "이 시각은 실제로 없었습니다. 그날 서머타임 시작이나 표준시 변경으로 시계가 앞으로 건너뛰었습니다. "
        "출생 기록의 시각을 다시 확인해 주세요.",
    ),
    engine_errors.INVALID_TIME: ("time", "시각을 00:00~23:59 사이로 입력해 주세요."),
    engine_errors.INVALID_DATE: ("day", "달력에 없는 날짜입니다. 년·월·일을 다시 확인해 주세요."),
    engine_errors.INVALID_LUNAR_DATE: (
        "day",
        "그해 음력에는 없는 날짜입니다. 윤달 여부와 날짜를 확인해 주세요.",
    ),
    engine_errors.INVALID_LONGITUDE: ("longitude", "경도는 -180~180 사이의 숫자로 입력해 주세요."),
    engine_errors.INVALID_REFERENCE: ("year", "아직 오지 않은 날짜입니다. 태어난 날을 다시 확인해 주세요."),
}
GENDERS = (("female", "여성"), ("male", "남성"))
CALENDARS = (("solar", "양력"), ("lunar", "음력"))
MODES = (("plain", "담백하게"), ("warm", "다정하게"))
DEFAULT_MODE = "plain"
FOLDS = (("0", "첫 번째 (바뀌기 전 시각)"), ("1", "두 번째 (바뀐 뒤 시각)"))


# A value no control on the page can produce (a tampered or outdated link): said in Korean above the form.
INVALID_CHOICE = {"invalid_choice": "고를 수 없는 값이 들어왔습니다. 다시 골라 주세요."}
# Fields the page does not always show next to their error (hidden in 고급 설정, or only asked sometimes).
SUMMARY_FIELDS = ("mode", "time_basis", "day_change", "fold", "calendar", "place", "longitude")


def _default(conventions: tuple[Convention, ...], engine_default: str | None) -> str:
    values = {c.value for c in conventions}
    return engine_default if engine_default in values else conventions[0].value


class BirthForm(forms.Form):
    name = forms.CharField(label="이름 (선택)", max_length=20, required=False)
    calendar = forms.ChoiceField(
        label="달력",
        choices=CALENDARS,
        initial="solar",
        widget=forms.RadioSelect,
        error_messages={**INVALID_CHOICE, "required": "양력인지 음력인지 골라 주세요."},
    )
    leap = forms.BooleanField(label="윤달", required=False)
    year = forms.IntegerField(
        label="년",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "required": "태어난 해를 입력해 주세요.",
            "min_value": f"{MIN_YEAR}년부터 입력할 수 있습니다.",
            "max_value": f"{MAX_YEAR}년까지 입력할 수 있습니다.",
            "invalid": "태어난 해를 숫자로 입력해 주세요.",
        },
    )
    month = forms.TypedChoiceField(
        label="월",
        coerce=int,
        choices=[(m, f"{m}월") for m in range(1, 13)],
        error_messages={**INVALID_CHOICE, "required": "태어난 달을 골라 주세요."},
    )
    day = forms.TypedChoiceField(
        label="일",
        coerce=int,
        choices=[(d, f"{d}일") for d in range(1, 32)],
        error_messages={**INVALID_CHOICE, "required": "태어난 날을 골라 주세요."},
    )
    time = forms.TimeField(
        label="태어난 시각",
        required=False,
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "시각을 00:00~23:59 형식으로 입력해 주세요."},
    )
    time_unknown = forms.BooleanField(label="시간 모름", required=False)
    place = forms.ChoiceField(
        label="태어난 곳",
        choices=place_choices(),
        initial=DEFAULT_PLACE_KEY,
        error_messages={**INVALID_CHOICE, "required": "태어난 곳을 골라 주세요."},
    )
    longitude = forms.FloatField(
        label="경도 직접 입력 (선택)",
        required=False,
        min_value=-180,
        max_value=180,
        error_messages={
            "min_value": "경도는 -180~180 사이로 입력해 주세요.",
            "max_value": "경도는 -180~180 사이로 입력해 주세요.",
        },
    )
    gender = forms.ChoiceField(
        label="성별",
        choices=GENDERS,
        widget=forms.RadioSelect,
        error_messages={**INVALID_CHOICE, "required": "대운 방향을 정하려면 성별이 필요합니다. 골라 주세요."},
    )
    mode = forms.ChoiceField(
        label="풀이 말투",
        choices=MODES,
        initial=DEFAULT_MODE,
        required=False,
        widget=forms.RadioSelect,
        error_messages=INVALID_CHOICE,
    )
    # Optional: a link without them (or an old bookmark) gets the engine's defaults.
    time_basis = forms.ChoiceField(
        label="시각 기준",
        choices=[(c.value, c.label) for c in TIME_BASES],
        required=False,
        error_messages=INVALID_CHOICE,
    )
    day_change = forms.ChoiceField(
        label="자시(子時) 처리",
        choices=[(c.value, c.label) for c in DAY_CHANGES],
        required=False,
        error_messages=INVALID_CHOICE,
    )
    fold = forms.ChoiceField(
        label="두 번 있었던 시각 중",
        choices=FOLDS,
        required=False,
        widget=forms.RadioSelect,
        error_messages=INVALID_CHOICE,
    )

    def __init__(self, *args: Any, engine_defaults: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = engine_defaults or {}
        self.fields["time_basis"].initial = _default(TIME_BASES, defaults.get("time_basis"))
        self.fields["day_change"].initial = _default(DAY_CHANGES, defaults.get("day_change"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("time_unknown") and data.get("time") is None and "time" not in self.errors:
            self.add_error("time", "태어난 시각을 입력하거나 '시간 모름'을 선택해 주세요.")
        return data

    def summary_errors(self) -> list[str]:
        """Errors of fields whose control may be out of sight, as '<label>: <message>' lines."""
        return [
            f"{self.fields[name].label}: {message}"
            for name in SUMMARY_FIELDS
            if name in self.fields
            for message in self.errors.get(name, [])
        ]

    def reading_mode(self) -> str:
        return str(self.cleaned_data.get("mode") or DEFAULT_MODE)

    def birth_mapping(self) -> dict[str, object]:
        """The engine/API birth object (no name)."""
        data = self.cleaned_data
        place = PLACES_BY_KEY[data["place"]]
        time_unknown = bool(data.get("time_unknown"))
        clock = NOON if time_unknown else data["time"].strftime("%H:%M")
        longitude = data.get("longitude")
        fold = data.get("fold")
        mapping: dict[str, object] = {
            "datetime": f"{data['year']:04d}-{data['month']:02d}-{data['day']:02d}T{clock}",
            "timezone": place.timezone,
            "calendar": data["calendar"],
            "leap": bool(data.get("leap")) and data["calendar"] == "lunar",
            "longitude": place.longitude if longitude is None else longitude,
            "fold": int(fold) if fold in ("0", "1") else None,
            "time_unknown": time_unknown,
            "gender": data["gender"],
        }
        for key in ("time_basis", "day_change"):
            if data.get(key):
                mapping[key] = data[key]
        return mapping


def place_of(*, birth: Mapping[str, object]) -> Place | None:
    """The listed city a stored birth was entered with: the one with its time zone and longitude (to
    ~100 m), else one with its name; None when it was typed elsewhere (then the page shows the zone)."""
    timezone = birth.get("timezone")
    longitude = birth.get("longitude")
    if isinstance(longitude, int | float):
        for place in PLACES:
            if (
                place.timezone == timezone
                and abs(place.longitude - float(longitude)) < PLACE_LONGITUDE_TOLERANCE
            ):
                return place
    name = birth.get(BIRTHPLACE_KEY)
    return next((p for p in PLACES if p.name == name and p.timezone == timezone), None)


def place_label(*, birth: Mapping[str, object]) -> str:
    """What a page calls the birthplace: the city (서울), never the zone id (Asia/Seoul)."""
    place = place_of(birth=birth)
    if place is not None:
        return place.name
    name = birth.get(BIRTHPLACE_KEY)
    if isinstance(name, str) and name:
        return name
    zone = str(birth.get("timezone") or "")
    zone_place = next((p for p in PLACES if p.timezone == zone), None)
    return f"{zone_place.name} 시간대" if zone_place else "직접 입력한 곳"


def birth_initial(*, birth: Mapping[str, object]) -> dict[str, object]:
    """The form's initial values for a stored birth mapping (editing a profile, prefilling the home form)."""
    stamp = str(birth.get("datetime", ""))
    day, _, clock = stamp.partition("T")
    year, month, dom = ([*day.split("-"), "", "", ""])[:3]
    place = place_of(birth=birth) or next(
        (p for p in PLACES if p.timezone == birth.get("timezone")), PLACES_BY_KEY[DEFAULT_PLACE_KEY]
    )
    longitude = birth.get("longitude")
    explicit = (
        isinstance(longitude, int | float)
        and abs(place.longitude - float(longitude)) >= PLACE_LONGITUDE_TOLERANCE
    )
    time_unknown = bool(birth.get("time_unknown"))
    initial: dict[str, object] = {
        "calendar": birth.get("calendar") or "solar",
        "leap": bool(birth.get("leap")),
        "year": int(year) if year.isdigit() else None,
        "month": int(month) if month.isdigit() else None,
        "day": int(dom) if dom.isdigit() else None,
        "time": None if time_unknown else clock[:5],
        "time_unknown": time_unknown,
        "place": place.key,
        "longitude": longitude if explicit else None,
        "gender": birth.get("gender") or "",
    }
    for key in ("time_basis", "day_change"):
        if birth.get(key):
            initial[key] = birth[key]
    return initial


@cache
def engine_birth_defaults() -> dict[str, str]:
    """The engine's default conventions (what `from_mapping` fills in when a key is missing)."""
    normalized = BirthInput.from_mapping({"datetime": "2000-01-01T12:00"}).to_mapping()
    return {key: str(normalized[key]) for key in ("time_basis", "day_change") if key in normalized}


def birth_form_context(form: BirthForm) -> dict[str, object]:
    """What the birth-form component's template needs besides the form (the conventions explained)."""
    return {
        "time_bases": TIME_BASES,
        "day_changes": DAY_CHANGES,
        "default_time_basis": form.fields["time_basis"].initial,
        "default_day_change": form.fields["day_change"].initial,
    }
