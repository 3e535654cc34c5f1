"""Hypothesis settings of the almanac's property tests: a fixed seed everywhere, derandomized in CI."""

from __future__ import annotations

import os

from hypothesis import settings

SEED = 17


def property_settings(max_examples: int) -> settings:
    return settings(max_examples=max_examples, deadline=None, derandomize=os.environ.get("CI") == "true")
