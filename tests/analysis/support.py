"""Shared helpers for the attack-analysis tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from biotm.analysis.mitigation import risk_of
from biotm.model.loader import LoadedModel, load_model
from biotm.pipeline import AuditOptions, audit
from biotm.result import AuditResult

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "sim-chain.yaml"
SCENARIO = HERE.parent.parent / "scenarios" / "china-sim-registration.yaml"
QUIET = AuditOptions(plan=False, today=dt.date(2026, 1, 1))
LIVENESS = ("presentation-attack-detection", "injection-attack-detection")


def run(loaded: LoadedModel, **changes: object) -> AuditResult:
    return audit(loaded, replace(QUIET, **changes))  # type: ignore[arg-type]


def fixture() -> LoadedModel:
    return load_model(str(FIXTURE))


def scenario() -> LoadedModel:
    return load_model(str(SCENARIO))


__all__ = ["FIXTURE", "LIVENESS", "QUIET", "SCENARIO", "fixture", "risk_of", "run", "scenario"]


def fixture_dict() -> dict[str, object]:
    """The fixture as a plain dict, to edit and reload with `load_dict`."""
    import yaml

    loaded: dict[str, object] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    return loaded
