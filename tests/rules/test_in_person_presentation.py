"""A person presenting on purpose (a face and an ID at an exam door, a passport at an e-gate) is the check
itself: no repudiation or linking finding on that hop, and no 'captures bystanders' finding at the gate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rule_models import data, element, flow, model, run, zone

from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _rules_at(name: str, place: str) -> set[str]:
    result = audit(load_model(SCENARIOS / name), AuditOptions())
    return {f.rule for f in result.findings if place in f.places}


def test_the_exam_door_check_is_not_an_unlogged_request_nor_a_join() -> None:
    found = _rules_at("exam-registration.yaml", "present_at_door")
    assert not found & {"stride-repudiation", "stride-spoofing", "linddun-linking"}


@pytest.mark.parametrize("place", ["egate", "ees_kiosk"])
def test_a_gate_or_kiosk_the_traveller_uses_does_not_capture_bystanders(place: str) -> None:
    assert "linddun-detecting" not in _rules_at("airport-egates.yaml", place)


def _public_sensor(**sensor: Any) -> dict[str, Any]:
    return model(
        [zone("street", public_place=True)],
        [
            element("passer", "actor", "street", role="data-subject", holds=["face"]),
            element("sensor", "device", "street", capture="unattended", **sensor),
        ],
        [data("face", "biometric_sample")],
        [flow("seen", "passer", "sensor", ["face"])],
    )


def test_a_street_camera_still_captures_everyone_passing() -> None:
    assert any(f.rule == "linddun-detecting" for f in run(_public_sensor(), "linddun-detecting").findings)
    gate = _public_sensor(matching="one-to-one")
    assert not any(f.rule == "linddun-detecting" for f in run(gate, "linddun-detecting").findings)
