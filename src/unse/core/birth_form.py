"""The shared birth form (사주 입력): parses what a person types into the engine's birth mapping.

A `core` form component so every face that asks for a birth uses one definition of the fields, the
conventions and the places (unse.core.places); the web pages use it today. The name stays on the page
only: it is never part of the mapping, so it never reaches the API, the cache key or the AI prompt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from unse.core.places import DEFAULT_PLACE_KEY, PLACES_BY_KEY, place_choices

MIN_YEAR = 1900
MAX_YEAR = 2100
NOON = "12:00"  # representative time sent when the hour is unknown; the engine ignores it then


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

GENDERS = (("female", "여성"), ("male", "남성"))
CALENDARS = (("solar", "양력"), ("lunar", "음력"))
MODES = (("plain", "담백하게"), ("warm", "다정하게"))
DEFAULT_MODE = "plain"
FOLDS = (("0", "첫 번째 (바뀌기 전 시각)"), ("1", "두 번째 (바뀐 뒤 시각)"))


def _default(conventions: tuple[Convention, ...], engine_default: str | None) -> str:
    values = {c.value for c in conventions}
    return engine_default if engine_default in values else conventions[0].value


class BirthForm(forms.Form):
    name = forms.CharField(label="이름 (선택)", max_length=20, required=False)
    calendar = forms.ChoiceField(label="달력", choices=CALENDARS, initial="solar", widget=forms.RadioSelect)
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
        error_messages={"required": "태어난 달을 골라 주세요."},
    )
    day = forms.TypedChoiceField(
        label="일",
        coerce=int,
        choices=[(d, f"{d}일") for d in range(1, 32)],
        error_messages={"required": "태어난 날을 골라 주세요."},
    )
    time = forms.TimeField(
        label="태어난 시각",
        required=False,
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "시각을 00:00~23:59 형식으로 입력해 주세요."},
    )
    time_unknown = forms.BooleanField(label="시간 모름", required=False)
    place = forms.ChoiceField(label="태어난 곳", choices=place_choices(), initial=DEFAULT_PLACE_KEY)
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
        error_messages={"required": "대운 방향을 정하려면 성별이 필요합니다. 골라 주세요."},
    )
    mode = forms.ChoiceField(
        label="풀이 말투", choices=MODES, initial=DEFAULT_MODE, required=False, widget=forms.RadioSelect
    )
    # Optional: a link without them (or an old bookmark) gets the engine's defaults.
    time_basis = forms.ChoiceField(
        label="시각 기준", choices=[(c.value, c.label) for c in TIME_BASES], required=False
    )
    day_change = forms.ChoiceField(
        label="자시(子時) 처리", choices=[(c.value, c.label) for c in DAY_CHANGES], required=False
    )
    fold = forms.ChoiceField(
        label="두 번 있었던 시각 중", choices=FOLDS, required=False, widget=forms.RadioSelect
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
