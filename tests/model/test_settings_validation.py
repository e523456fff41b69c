"""`settings` is validated where it is read: costs positive and finite, fractions in [0, 1], keys known.

A zero cost divided the plan's gain by zero; a negative one bought unbounded risk reduction (a plan of
-1005 person-days within a 1-day budget); NaN became `null` in the JSON report; `mfa: 7` was clamped by
the attack analysis and used as-is by the rules' scoring.
"""

from __future__ import annotations

import pytest

from biotm.analysis.numbers import STEP_PROBABILITY
from biotm.model import ModelError, load_bytes
from biotm.model.schema import ATTACK_STEPS

BASE = (
    "meta: {name: x}\n"
    "zones: [{id: z, owner: o, jurisdiction: CN}]\n"
    "elements: [{id: e, type: store, zone: z}]\n"
    "settings:\n"
)


def problems(settings: str) -> list[str]:
    try:
        load_bytes((BASE + settings).encode(), "m.yaml")
    except ModelError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("  control_cost_days: {mfa: 0}\n", "m.yaml:5:28: settings.control_cost_days.mfa: must be more than 0"),
        ("  control_cost_days: {mfa: -1005}\n", "m.yaml:5:28: settings.control_cost_days.mfa: must be more than 0"),
        ("  control_cost_days: {mfa: .nan}\n", "m.yaml:5:28: settings.control_cost_days.mfa: expected a finite number"),
        ("  control_cost_days: {mfa: .inf}\n", "m.yaml:5:28: settings.control_cost_days.mfa: expected a finite number"),
        ("  control_cost_days: {mfa: 20000.0}\n", "m.yaml:5:28: settings.control_cost_days.mfa: must be at most 10000"),
        ("  control_cost_days: {mfa: true}\n", "m.yaml:5:28: settings.control_cost_days.mfa: expected a number"),
        ("  control_cost_days: {mfa: {fixed: 2, per_flow: -1}}\n", "must be at least 0"),
        ("  control_cost_days: {mfa: {fixed: 2, per_flo: 1}}\n", "unknown key 'per_flo'"),
        ("  control_effect: {mfa: 7}\n", "m.yaml:5:25: settings.control_effect.mfa: must be at most 1"),
        ("  control_effect: {mfa: -0.1}\n", "settings.control_effect.mfa: must be at least 0"),
        ("  step_probability: {lateral: .nan}\n", "settings.step_probability.lateral: expected a finite number"),
        ("  control_effect: {unicorn: 0.3}\n", "m.yaml:5:29: settings name unknown control 'unicorn'"),
        ("  step_probability: {laterl: 0.3}\n", "settings name unknown attack step 'laterl' (did you mean 'lateral'?)"),
    ],
)
def test_bad_settings_are_one_located_error(settings: str, message: str) -> None:
    found = problems(settings)
    assert len(found) == 1 and found[0].startswith(message) if message.startswith("m.yaml") else message in found[0]


def test_good_settings_load_with_flat_costs_and_cost_models() -> None:
    text = "  control_cost_days: {mfa: 0.5, dpia: {fixed: 3, per_flow: 0.25, per_million_records: 1}}\n"
    loaded = load_bytes((BASE + text + "  control_effect: {mfa: 1}\n").encode(), "m.yaml")
    costs = loaded.model.settings.control_cost_days
    assert costs["mfa"] == 0.5 and costs["dpia"].per_flow == 0.25


def test_the_schemas_step_names_are_the_attack_analysiss() -> None:
    assert set(STEP_PROBABILITY) == ATTACK_STEPS
