"""`FieldsReader` answers exactly what the ORM answers for the same rows (values, types, deferral)."""

from __future__ import annotations

import pytest

from tests.unse.accounts.factories import ProfileFactory, UserFactory
from tests.unse.readings.factories import ReadingFactory
from unse.accounts.models import Profile
from unse.accounts.selectors.profiles import profile_default_get
from unse.core.fastread import FieldsReader
from unse.readings.models import Reading
from unse.readings.selectors import reading_find_cached

pytestmark = pytest.mark.django_db


def _concrete(instance: object, model: type) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields}


def test_the_default_profile_equals_the_orms_in_every_field_and_type() -> None:
    user = UserFactory()
    ProfileFactory(user=user, is_default=True, daily_fortune=True)
    ProfileFactory(user=user, is_default=False)
    fast = profile_default_get(user_id=user.pk)
    orm = Profile.objects.get(user=user, is_default=True)
    assert fast is not None
    expected, got = _concrete(orm, Profile), _concrete(fast, Profile)
    assert got == expected
    # Types too: the encrypted birth is a dict, SQLite's 0/1 are booleans, the UUID and datetimes are objects.
    assert {name: type(value) for name, value in got.items()} == {
        name: type(v) for name, v in expected.items()
    }
    assert profile_default_get(user_id=UserFactory().pk) is None


def test_a_cached_reading_equals_the_orms_in_the_served_fields_and_defers_the_rest() -> None:
    stored = ReadingFactory(
        cache_key="k" * 64,
        prompt_version="p1",
        model="m",
        provider="builtin",
        period="2026",
        generated_by="rules",
        text="본문",
        html="<p>본문</p>",
        html_version="v1",
        facts={"일간": "庚金(경금)"},
    )
    fast = reading_find_cached(cache_keys=["x" * 64, stored.cache_key])
    orm = Reading.objects.get(pk=stored.pk)
    assert fast is not None
    assert fast.get_deferred_fields() == {
        "fingerprint",
        "kind",
        "topic",
        "mode",
        "prompt_version",
        "period",
        "facts",
        "prompt_tokens",
        "completion_tokens",
        "created_at",
    }
    served = {
        "id",
        "public_id",
        "cache_key",
        "generated_by",
        "provider",
        "model",
        "text",
        "html",
        "html_version",
    }
    assert {name: getattr(fast, name) for name in served} == {name: getattr(orm, name) for name in served}
    assert fast.facts == orm.facts  # a deferred field loads on access, like the ORM's .only()


def test_an_unknown_field_is_refused_at_definition() -> None:
    with pytest.raises(ValueError, match="no concrete fields"):
        FieldsReader(Profile, {"user_id", "no_such_field"})


def test_filter_in_with_no_values_runs_no_query(django_assert_num_queries) -> None:
    reader = FieldsReader(Profile, {"id", "user_id"})
    with django_assert_num_queries(0):
        assert reader.filter_in("user_id", []) == []
