"""Helpers for the scenario-library tests: where scenarios are, and each one audited once per session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit
from biotm.result import AuditResult

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
#: A fixed day so acceptances (and anything dated) never make a test depend on the calendar.
TODAY = dt.date(2026, 1, 1)


def scenario_paths() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))


_cache: dict[str, AuditResult] = {}


def audited(name: str) -> AuditResult:
    """The audit result of `scenarios/<name>`, computed once per test session."""
    if name not in _cache:
        _cache[name] = audit(load_model(str(SCENARIOS / name)), AuditOptions(today=TODAY))
    return _cache[name]
