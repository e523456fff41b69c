"""Every finding's likelihood and impact recompute, by hand, from the factors it shows (issue 14, item 5).

On every shipped scenario, every calibration model and random models: the factors add up in order, each
has a reason, and the severity is the documented band of the risk (or a documented critical trigger).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import load_dict, models

from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit
from tests.finding_checks import assert_factors_add_up, assert_severity_follows_the_bands

ROOT = Path(__file__).resolve().parents[2]
CALIBRATION = ROOT / "tests" / "calibration" / "models"
MODELS = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(CALIBRATION.glob("*.yaml"))
TODAY = dt.date(2026, 1, 1)


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_every_finding_recomputes_from_its_factors(path: Path) -> None:
    result = audit(load_model(str(path)), AuditOptions(today=TODAY))
    rules = {f.rule for f in result.findings}
    for finding in result.findings:
        assert_factors_add_up(finding)
        assert_severity_follows_the_bands(finding)
    if path.parent.name == "scenarios" and "hardened" not in path.stem:
        assert "atk-exposure" in rules or "idt-chain" in rules  # the attack findings are covered too


@settings(
    max_examples=int(os.environ.get("FACTOR_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(models(max_elements=7, max_flows=10))
def test_factors_add_up_on_random_models(model: dict[str, Any]) -> None:
    for finding in audit(load_dict(model), AuditOptions(today=TODAY)).findings:
        assert_factors_add_up(finding)
        assert_severity_follows_the_bands(finding)
