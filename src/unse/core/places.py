"""Birthplaces offered by the 사주 입력 form: each maps to a longitude (for the local-time corrections)
and an IANA time zone (for the wall clock that was in force at birth, DST and the 1954/1961 switches
included). Longitudes are city-centre values, east positive, rounded to 0.001 degree (~100 m; a tenth
of a second of local mean time)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Region(Enum):
    KOREA = "국내"
    WORLD = "해외"


@dataclass(frozen=True, slots=True)
class Place:
    key: str
    name: str
    region: Region
    longitude: float
    timezone: str


DEFAULT_PLACE_KEY = "seoul"

PLACES: tuple[Place, ...] = (
    Place("seoul", "서울", Region.KOREA, 126.978, "Asia/Seoul"),
    Place("busan", "부산", Region.KOREA, 129.075, "Asia/Seoul"),
    Place("incheon", "인천", Region.KOREA, 126.705, "Asia/Seoul"),
    Place("daegu", "대구", Region.KOREA, 128.601, "Asia/Seoul"),
    Place("daejeon", "대전", Region.KOREA, 127.385, "Asia/Seoul"),
    Place("gwangju", "광주", Region.KOREA, 126.851, "Asia/Seoul"),
    Place("ulsan", "울산", Region.KOREA, 129.311, "Asia/Seoul"),
    Place("sejong", "세종", Region.KOREA, 127.289, "Asia/Seoul"),
    Place("suwon", "수원", Region.KOREA, 127.028, "Asia/Seoul"),
    Place("chuncheon", "춘천", Region.KOREA, 127.730, "Asia/Seoul"),
    Place("gangneung", "강릉", Region.KOREA, 128.876, "Asia/Seoul"),
    Place("wonju", "원주", Region.KOREA, 127.920, "Asia/Seoul"),
    Place("cheongju", "청주", Region.KOREA, 127.489, "Asia/Seoul"),
    Place("cheonan", "천안", Region.KOREA, 127.114, "Asia/Seoul"),
    Place("jeonju", "전주", Region.KOREA, 127.148, "Asia/Seoul"),
    Place("mokpo", "목포", Region.KOREA, 126.392, "Asia/Seoul"),
    Place("yeosu", "여수", Region.KOREA, 127.662, "Asia/Seoul"),
    Place("andong", "안동", Region.KOREA, 128.729, "Asia/Seoul"),
    Place("pohang", "포항", Region.KOREA, 129.343, "Asia/Seoul"),
    Place("changwon", "창원", Region.KOREA, 128.681, "Asia/Seoul"),
    Place("jinju", "진주", Region.KOREA, 128.108, "Asia/Seoul"),
    Place("jeju", "제주", Region.KOREA, 126.531, "Asia/Seoul"),
    Place("pyongyang", "평양", Region.KOREA, 125.754, "Asia/Pyongyang"),
    Place("kaesong", "개성", Region.KOREA, 126.554, "Asia/Pyongyang"),
    Place("tokyo", "도쿄", Region.WORLD, 139.692, "Asia/Tokyo"),
    Place("osaka", "오사카", Region.WORLD, 135.502, "Asia/Tokyo"),
    Place("beijing", "베이징", Region.WORLD, 116.407, "Asia/Shanghai"),
    Place("shanghai", "상하이", Region.WORLD, 121.474, "Asia/Shanghai"),
    Place("hongkong", "홍콩", Region.WORLD, 114.169, "Asia/Hong_Kong"),
    Place("taipei", "타이베이", Region.WORLD, 121.565, "Asia/Taipei"),
    Place("manila", "마닐라", Region.WORLD, 120.984, "Asia/Manila"),
    Place("hanoi", "하노이", Region.WORLD, 105.834, "Asia/Bangkok"),
    Place("bangkok", "방콕", Region.WORLD, 100.502, "Asia/Bangkok"),
    Place("singapore", "싱가포르", Region.WORLD, 103.820, "Asia/Singapore"),
    Place("vladivostok", "블라디보스토크", Region.WORLD, 131.886, "Asia/Vladivostok"),
    Place("almaty", "알마티", Region.WORLD, 76.886, "Asia/Almaty"),
    Place("tashkent", "타슈켄트", Region.WORLD, 69.240, "Asia/Tashkent"),
    Place("dubai", "두바이", Region.WORLD, 55.271, "Asia/Dubai"),
    Place("moscow", "모스크바", Region.WORLD, 37.618, "Europe/Moscow"),
    Place("berlin", "베를린", Region.WORLD, 13.405, "Europe/Berlin"),
    Place("paris", "파리", Region.WORLD, 2.352, "Europe/Paris"),
    Place("london", "런던", Region.WORLD, -0.128, "Europe/London"),
    Place("newyork", "뉴욕", Region.WORLD, -74.006, "America/New_York"),
    Place("toronto", "토론토", Region.WORLD, -79.383, "America/Toronto"),
    Place("chicago", "시카고", Region.WORLD, -87.630, "America/Chicago"),
    Place("losangeles", "로스앤젤레스", Region.WORLD, -118.244, "America/Los_Angeles"),
    Place("vancouver", "밴쿠버", Region.WORLD, -123.121, "America/Vancouver"),
    Place("honolulu", "호놀룰루", Region.WORLD, -157.858, "Pacific/Honolulu"),
    Place("saopaulo", "상파울루", Region.WORLD, -46.633, "America/Sao_Paulo"),
    Place("sydney", "시드니", Region.WORLD, 151.209, "Australia/Sydney"),
    Place("auckland", "오클랜드", Region.WORLD, 174.763, "Pacific/Auckland"),
)

PLACES_BY_KEY: dict[str, Place] = {p.key: p for p in PLACES}


def place_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a <select> with one <optgroup> per region."""
    return [(region.value, [(p.key, p.name) for p in PLACES if p.region is region]) for region in Region]
