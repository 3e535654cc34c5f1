"""Cache keys, fingerprints and versioned prompts."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.test import override_settings

from unse.readings import prompting
from unse.readings.keys import CacheKey, Kind, Mode, Topic, chart_fingerprint, period_of
from unse.readings.prompting import FACTS_MARKER, build_messages, prompt_template

BIRTH = {"datetime": "1990-05-17T14:30", "timezone": "Asia/Seoul", "calendar": "solar", "gender": "female"}


def test_fingerprint_is_hmac_independent_of_key_order_and_never_contains_the_birth() -> None:
    reordered = dict(reversed(list(BIRTH.items())))
    assert chart_fingerprint(BIRTH) == chart_fingerprint(reordered)
    assert len(chart_fingerprint(BIRTH)) == 64
    assert "1990" not in chart_fingerprint(BIRTH)
    assert chart_fingerprint(BIRTH) != chart_fingerprint({**BIRTH, "gender": "male"})


def test_fingerprint_depends_on_the_server_secret() -> None:
    with override_settings(READINGS_FINGERPRINT_SECRET="one"):
        first = chart_fingerprint(BIRTH)
    with override_settings(READINGS_FINGERPRINT_SECRET="two"):
        second = chart_fingerprint(BIRTH)
    assert first != second


def test_period_is_the_kst_date_for_daily_and_the_saju_year_otherwise() -> None:
    assert period_of(Kind.DAILY, date(2026, 11, 24)) == "2026-11-24"
    assert period_of(Kind.SAJU, date(2026, 11, 24)) == "2026"
    # The saju year starts at 입춘 (2026-02-04 05:02 KST), not on 1 January.
    assert period_of(Kind.SAJU, date(2026, 1, 20)) == "2025"
    assert period_of(Kind.SAJU, date(2026, 2, 3)) == "2025"
    assert period_of(Kind.SAJU, date(2026, 2, 4)) == "2026"
    assert period_of(Kind.SAJU, date(2025, 12, 31)) == "2025"


def _key(**changes: object) -> CacheKey:
    fields: dict[str, object] = {
        "fingerprints": ("f" * 64,),
        "kind": Kind.SAJU,
        "topic": Topic.GENERAL,
        "mode": Mode.PLAIN,
        "prompt_version": "p1-x",
        "model": "m",
        "period": "2026",
    }
    fields.update(changes)
    return CacheKey(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "change",
    [
        {"fingerprints": ("e" * 64,)},
        {"kind": Kind.DAILY},
        {"topic": Topic.LOVE},
        {"mode": Mode.WARM},
        {"prompt_version": "p1-y"},
        {"model": "other"},
        {"period": "2027"},
        {"relation": "partner"},
        {"fingerprints": ("f" * 64, "e" * 64)},
    ],
)
def test_every_component_changes_the_cache_key(change: dict[str, object]) -> None:
    assert _key().digest != _key(**change).digest


def test_a_one_chart_key_hashes_as_before_multi_chart_keys_existed() -> None:
    # Stored readings (and the nightly batch's idempotence) depend on this exact digest.
    parts = ("f" * 64, "saju", "general", "plain", "p1-x", "m", "2026")
    assert _key().digest == hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def test_a_two_chart_key_is_the_same_whichever_person_asks() -> None:
    a, b = "a" * 64, "b" * 64
    options = {"prompt_version": "p1-x", "model": "m", "period": "2026", "relation": "partner"}
    ab = CacheKey.of((a, b), Kind.SAJU, Topic.GENERAL, Mode.PLAIN, **options)
    ba = CacheKey.of((b, a), Kind.SAJU, Topic.GENERAL, Mode.PLAIN, **options)
    assert ab.digest == ba.digest and ab.fingerprints == (a, b)


def test_each_mode_and_topic_has_its_own_template_file_and_version() -> None:
    versions = {prompt_template(Kind.SAJU, topic, mode).version for topic in Topic for mode in Mode} | {
        prompt_template(Kind.DAILY, Topic.GENERAL, mode).version for mode in Mode
    }
    assert len(versions) == len(Topic) * len(Mode) + len(Mode)
    warm = prompt_template(Kind.SAJU, Topic.GENERAL, Mode.WARM)
    plain = prompt_template(Kind.SAJU, Topic.GENERAL, Mode.PLAIN)
    # Warm is a voice for the whole text (해요체), plain is 합니다체; neither addresses the user by a title.
    assert "해요체" in warm.system and "합니다체" in plain.system
    for template in (warm, plain):
        assert (
            "한눈에 보기" in template.system and "선생님'" in template.system
        )  # only as a title never to use
        assert "부르지 마세요" in template.system


def test_editing_a_template_file_changes_the_prompt_version(tmp_path, monkeypatch) -> None:
    import shutil

    copy = tmp_path / "prompts"
    shutil.copytree(prompting.PROMPTS_DIR, copy)
    monkeypatch.setattr(prompting, "PROMPTS_DIR", copy)
    prompt_template.cache_clear()
    before = prompt_template(Kind.SAJU, Topic.CAREER, Mode.PLAIN).version
    (copy / "topics" / "career.md").write_text("직업운을 한 문단으로 써 주세요.\n", encoding="utf-8")
    prompt_template.cache_clear()
    after = prompt_template(Kind.SAJU, Topic.CAREER, Mode.PLAIN).version
    prompt_template.cache_clear()
    assert before != after
    assert after.startswith("p1-saju-career-plain-")


def test_messages_are_the_system_prompt_and_one_question_with_the_facts_block() -> None:
    template = prompt_template(Kind.SAJU, Topic.GENERAL, Mode.PLAIN)
    messages = build_messages(template, {"일간": "庚金(경금)"})
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[1]["content"].startswith(template.question)
    assert FACTS_MARKER in messages[1]["content"]
    assert "庚金(경금)" in messages[1]["content"]


def test_an_engine_or_facts_change_changes_the_prompt_version(tmp_path, monkeypatch) -> None:
    """A fixed engine bug (a different chart, analysis or fact) must not serve text written from the old one."""
    from unse.readings import keys

    prompt_template.cache_clear()
    before = prompt_template(Kind.SAJU, Topic.GENERAL, Mode.PLAIN).version
    monkeypatch.setattr(prompting, "engine_version", lambda: "another-engine")
    prompt_template.cache_clear()
    other_engine = prompt_template(Kind.SAJU, Topic.GENERAL, Mode.PLAIN).version
    monkeypatch.undo()
    facts = tmp_path / "facts.py"
    facts.write_bytes(prompting.FACTS_SOURCE.read_bytes() + b"\n# the facts builder changed\n")
    monkeypatch.setattr(prompting, "FACTS_SOURCE", facts)
    prompt_template.cache_clear()
    other_facts = prompt_template(Kind.SAJU, Topic.GENERAL, Mode.PLAIN).version
    prompt_template.cache_clear()
    assert len({before, other_engine, other_facts}) == 3
    assert keys.engine_version() == keys.engine_version()  # stable within a release
