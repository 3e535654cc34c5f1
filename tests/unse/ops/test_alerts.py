"""deploy/prometheus/alerts.yml: every metric an alert uses is defined by the code, the rules are valid
for promtool, and the rule unit tests (alerts_test.yml) pass."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY

import unse.ai.metrics
import unse.core.metrics
import unse.ops.metrics  # noqa: F401 - registers the metrics checked below

RULES = Path(__file__).resolve().parents[3] / "deploy" / "prometheus" / "alerts.yml"
RULE_TESTS = RULES.with_name("alerts_test.yml")
# Series Prometheus itself provides for every scrape target.
BUILTIN_SERIES = {"up"}
REQUIRED_ALERTS = {
    "AIBreakerOpen",
    "HTTPErrorRateSpike",
    "AIBudgetNearLimit",
    "BatchFailuresOverThreshold",
    "ReadinessFailing",
    "QueueBacklog",
}


def _expressions() -> dict[str, str]:
    document = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return {rule["alert"]: rule["expr"] for group in document["groups"] for rule in group["rules"]}


def _metric_names(expr: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', '""', expr)
    without_labels = re.sub(r"\{[^}]*\}", "", without_strings)
    return set(re.findall(r"\bunse_[a-z0-9_]+\b", without_labels)) | (
        set(re.findall(r"\b[a-z_]+\b", without_labels)) & BUILTIN_SERIES
    )


def test_every_required_alert_exists() -> None:
    assert set(_expressions()) >= REQUIRED_ALERTS


def test_every_metric_in_the_rules_is_defined_in_the_code() -> None:
    defined = set(REGISTRY._names_to_collectors)  # includes the _total/_bucket/... sample names
    for alert, expr in _expressions().items():
        names = _metric_names(expr)
        assert names, alert
        unknown = {name for name in names if name not in defined and name not in BUILTIN_SERIES}
        assert not unknown, f"{alert} uses metrics no code defines: {unknown}"


def test_the_readiness_alert_matches_the_route_label_of_ready() -> None:
    from unse.core.middleware import _PROBES

    assert f'route="{_PROBES["/ready/"][0]}"' in _expressions()["ReadinessFailing"]


@pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool is not installed (scripts/install-promtool.sh)"
)
def test_promtool_accepts_the_rules_and_their_unit_tests_pass() -> None:
    check = subprocess.run(
        ["promtool", "check", "rules", str(RULES)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
    tests = subprocess.run(
        ["promtool", "test", "rules", RULE_TESTS.name],
        cwd=RULES.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
