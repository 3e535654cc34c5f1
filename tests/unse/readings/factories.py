"""factory-boy factory of a stored reading (the fields a cache row needs; tests override what they check)."""

from __future__ import annotations

import uuid

import factory

from unse.readings.models import Reading


class ReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reading

    cache_key = factory.LazyFunction(lambda: uuid.uuid4().hex)
    fingerprint = "f" * 64
    kind = "saju"
    topic = "general"
    mode = "plain"
    prompt_version = "v1"
    model = "fake"
    provider = "fake"
    period = "2026"
    generated_by = "ai"
    text = "풀이"
    facts = factory.LazyFunction(dict)
