"""Request/response schemas of the JSON API (django-ninja, pydantic)."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict


class BirthIn(Schema):
    """A birth, with exactly the keys of the engine's batch input (omitted keys take the engine's defaults)."""

    model_config = ConfigDict(extra="forbid")

    datetime: str = Field(..., description="태어난 날짜와 시각(현지 벽시계), 예: 1990-05-17T14:30 또는 1990-05-17", examples=["1990-05-17T14:30"])
    timezone: str | None = Field(None, description="IANA 시간대, 기본 Asia/Seoul", examples=["Asia/Seoul"])
    calendar: Literal["solar", "lunar"] | None = Field(None, description="양력(solar) 또는 음력(lunar)")
    leap: bool | None = Field(None, description="음력 윤달 여부")
    longitude: float | None = Field(None, description="출생지 경도(진태양시·지방시 보정에 사용)")
    time_basis: Literal["civil", "standard", "lmt", "tst", "table"] | None = Field(None, description="시각 기준")
    day_change: Literal["midnight", "yajasi", "23h"] | None = Field(None, description="날짜가 바뀌는 시각의 관례")
    fold: int | None = Field(None, description="서머타임 종료 등으로 두 번 있는 시각의 선택(0 또는 1)")
    time_unknown: bool | None = Field(None, description="태어난 시간을 모름")
    gender: Literal["female", "male"] | None = Field(None, description="대운 방향 계산에 필요")

    def to_engine(self) -> dict[str, object]:
        return self.model_dump(exclude_unset=True)


class ChartIn(Schema):
    model_config = ConfigDict(extra="forbid")

    birth: BirthIn


class ReadingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    birth: BirthIn
    kind: Literal["saju", "daily"] = Field("saju", description="saju: 전체 풀이(올해 세운 포함), daily: 오늘의 운세(KST)")
    topic: Literal["general", "personality", "career", "love", "wealth", "health", "study"] | None = Field(
        None, description="풀이 주제(기본 general)"
    )
    mode: Literal["plain", "warm"] = Field("plain", description="plain: 담백한 말투, warm: '선생님'이라 부르는 다정한 말투")


class ChartOut(Schema):
    request_id: str
    chart: dict[str, Any]
    analysis: dict[str, Any]


class NoticeOut(Schema):
    code: str
    message: str
    details: dict[str, Any]


class GeneratedByOut(Schema):
    type: Literal["ai", "rules"]
    provider: str
    model: str
    label: str


class ReadingOut(Schema):
    request_id: str
    reading_id: str | None = Field(description="저장된 풀이의 공개 ID(저장되지 않았으면 null)")
    cached: bool
    text: str = Field(description="풀이(Markdown, 정제됨)")
    html: str = Field(description="안전하게 렌더링한 HTML")
    notices: list[NoticeOut]
    generated_by: GeneratedByOut
    usage: dict[str, int]
    kind: str
    topic: str
    mode: str
    period: str
    chart: dict[str, Any]


class StoredReadingOut(Schema):
    reading_id: str
    kind: str
    topic: str
    mode: str
    period: str
    text: str
    html: str
    generated_by: GeneratedByOut
    created_at: str


class ErrorBody(Schema):
    code: str
    message: str
    request_id: str
    details: dict[str, Any]


class ErrorOut(Schema):
    error: ErrorBody


def error_responses(*statuses: int) -> dict[int, Any]:
    """The `response=` entries of an operation's documented error statuses (all the one error object)."""
    return dict.fromkeys(statuses, ErrorOut)
