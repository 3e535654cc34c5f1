"""궁합 in the pipeline, without HTTP: role placeholders, canonical order, prompt privacy, versions."""

from __future__ import annotations

from datetime import date

import orjson

from saju.compat import Relationship
from unse.readings.keys import Kind, Mode, Topic
from unse.readings.pair import PairOrder, RoleFiller, fill_roles, gunghap_compute, pair_prompt_facts
from unse.readings.prompting import prompt_template

A: dict[str, object] = {"datetime": "1990-05-15T14:30", "gender": "female"}
B: dict[str, object] = {"datetime": "1988-02-03T09:10", "gender": "male"}


def test_role_filler_never_leaks_a_split_placeholder() -> None:
    filler = RoleFiller(("지은", "민호"))
    pieces = ["## 한눈에 보기\n[", "A]님과 [B", "]님은 [", "A", "]님을 챙깁니다 [참고"]
    out = "".join(filler.feed(p) for p in pieces) + filler.flush()
    assert out == "## 한눈에 보기\n지은님과 민호님은 지은님을 챙깁니다 [참고"


def test_fill_roles_escapes_names_for_html() -> None:
    assert fill_roles("<p>[A]님</p>", ("<b>", "x"), escape=True) == "<p>&lt;b&gt;님</p>"


def test_canonical_order_swaps_names_and_relation() -> None:
    order = PairOrder.of("f2", "f1", Relationship.PARENT)
    assert order.swapped and order.relation is Relationship.CHILD
    assert order.names_for_text(("A", "B")) == ("B", "A")
    assert not PairOrder.of("f1", "f2", Relationship.COUPLE).swapped


def test_prompt_facts_carry_no_birth_data() -> None:
    result = gunghap_compute(a=A, b=B, reference_date=date(2026, 12, 6))
    dumped = orjson.dumps(pair_prompt_facts(result.compat, result.a.chart, result.b.chart)).decode()
    for secret in ("1990-05-15", "1988-02-03", "14:30", "09:10", "datetime", "Asia/Seoul"):
        assert secret not in dumped
    assert "[A]님" in dumped and "[B]님" in dumped


def test_gunghap_prompt_has_its_own_versioned_file() -> None:
    version = prompt_template(Kind.GUNGHAP, Topic.GENERAL, Mode.PLAIN).version
    assert version.startswith("p1-gunghap-general-plain-")
    assert version != prompt_template(Kind.DAILY, Topic.GENERAL, Mode.PLAIN).version
