"""JSON packed with a preset dictionary (unse.core.packing)."""

from __future__ import annotations

import zlib

import orjson

from unse.core.packing import JsonPacker

SAMPLE = {
    "일간": "庚金(경금)",
    "사주": {"연주": "戊辰(무진)", "월주": "壬戌(임술)", "일주": "庚午(경오)", "시주": "庚辰(경진)"},
    "오행 개수": {"목": "0개", "화": "1개", "토": "3개", "금": "3개", "수": "1개"},
    "분석": {
        "strength": "신강",
        "yongsin": "수",
        "daewoon": [{"age": age, "pillar": "癸亥"} for age in range(3, 83, 10)],
    },
}
OTHER = {
    "일간": "乙木(을목)",
    "사주": {"연주": "乙卯(을묘)", "월주": "己卯(기묘)", "일주": "乙亥(을해)", "시주": None},
    "오행 개수": {"목": "4개", "화": "0개", "토": "1개", "금": "0개", "수": "1개"},
    "분석": {
        "strength": "신강",
        "yongsin": "금",
        "daewoon": [{"age": age, "pillar": "庚辰"} for age in range(7, 87, 10)],
    },
}


def test_a_packed_document_unpacks_to_the_same_document() -> None:
    packer = JsonPacker(lambda: SAMPLE)
    assert packer.unpack(packer.pack(OTHER)) == OTHER
    assert packer.unpack(packer.pack({})) == {}


def test_the_preset_dictionary_makes_a_similar_document_smaller_than_zlib_alone() -> None:
    packer = JsonPacker(lambda: SAMPLE)
    plain = zlib.compress(orjson.dumps(OTHER), 6)
    assert len(packer.pack(OTHER)) < 0.7 * len(plain) < len(orjson.dumps(OTHER))


def test_non_string_keys_follow_the_packers_option() -> None:
    packer = JsonPacker(lambda: {1: "a"}, option=orjson.OPT_NON_STR_KEYS)
    assert packer.unpack(packer.pack({2: "b"})) == {"2": "b"}


def test_the_sample_is_computed_once_and_only_when_needed() -> None:
    calls: list[int] = []

    def sample() -> dict[str, str]:
        calls.append(1)
        return {"일간": "庚金"}

    packer = JsonPacker(sample)
    assert calls == []
    packer.unpack(packer.pack({"일간": "乙木"}))
    packer.pack({"일간": "丙火"})
    assert calls == [1]
