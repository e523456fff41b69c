"""Injection depends on who controls the capture device: the subject's own phone is the attacker's to
re-flash, an unwatched kiosk can be opened, a device its operator runs and watches cannot be tapped in front
of them unless the attacker is that operator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from biotm.analysis.numbers import STEP_PROBABILITY
from biotm.model.loader import load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.result import TheftChain

PAD = 1 - 0.9  # what presentation-attack detection leaves of a faked presentation


def _model(device: dict[str, Any], *, watched: bool = False, clerk_attacker: bool = False) -> dict[str, Any]:
    elements: list[dict[str, Any]] = [
        {"id": "person", "type": "actor", "role": "data-subject", "zone": "hall", "holds": ["face"]},
        {
            "id": "gate",
            "type": "device",
            "zone": "hall",
            "controls": ["presentation-attack-detection"],
            "verifies": [{"id": "pass", "action": "let the person through", "requires": "live:face", "grants": ["in"]}],
            **device,
        },
    ]
    flows = [{"id": "show", "source": "person", "target": "gate", "data": ["face"]}]
    if watched:
        elements.append({"id": "guard", "type": "actor", "role": "official", "zone": "hall"})
        flows.append({"id": "supervise", "source": "gate", "target": "guard", "data": ["face"]})
    attackers = [{"id": "impostor", "kind": "fraudster", "entry": ["hall"], "holds": ["face"], "skill": 0.5}]
    if clerk_attacker:
        attackers.append({"id": "bent-guard", "kind": "insider", "entry": ["guard"], "holds": ["face"], "skill": 0.5})
    return {
        "meta": {"name": "injection"},
        "zones": [{"id": "hall", "owner": "Operator", "jurisdiction": "DE"}],
        "elements": elements,
        "data": [{"id": "face", "category": "biometric_sample", "modality": "face", "subjects": 1000}],
        "flows": flows,
        "attackers": attackers,
    }


def _chain(model: dict[str, Any], attacker: str = "impostor") -> TheftChain | None:
    loaded = load_bytes(yaml.safe_dump(model).encode(), "injection.yaml")
    options = AuditOptions(today=dt.date(2026, 1, 1), attackers=(attacker,))
    found = [c for c in audit(loaded, options).chains if c.goal == "in"]
    return found[0] if found else None


def test_the_subjects_own_phone_is_the_attackers_to_inject_into() -> None:
    chain = _chain(_model({"capture": "remote", "subject_controlled": True}))
    assert chain is not None
    # PAD lowers the faked presentation; the injected stream still passes as on any re-flashed phone.
    assert chain.likelihood == pytest.approx(STEP_PROBABILITY["inject-remote"])
    assert "presentation-attack-detection" not in " ".join(chain.broken_by)


def test_an_unwatched_kiosk_can_be_opened() -> None:
    chain = _chain(_model({"capture": "unattended"}))
    assert chain is not None
    assert chain.likelihood == pytest.approx(STEP_PROBABILITY["inject-terminal"])
    assert any("gate:injection-attack-detection" in option for option in chain.broken_by)


@pytest.mark.parametrize(
    ("device", "watched"),
    [({"capture": "attended"}, False), ({"capture": "unattended"}, True)],
    ids=["attended", "unattended-but-supervised"],
)
def test_a_device_its_operator_runs_and_watches_is_not_injected_into(device: dict[str, Any], watched: bool) -> None:
    model = _model(device, watched=watched)
    present = STEP_PROBABILITY[f"present-{device['capture']}"] * PAD
    expected = max(present, STEP_PROBABILITY["inject-operated"])
    chain = _chain(model)
    if expected < STEP_PROBABILITY["min-chain-likelihood"]:
        assert chain is None  # PAD alone stops the fake
    else:
        assert chain is not None and chain.likelihood == pytest.approx(expected)
        assert "run and watched by its operator" in chain.steps[-1].evidence


def test_the_operator_who_runs_the_device_injects_as_at_a_kiosk() -> None:
    model = _model({"capture": "unattended"}, watched=True, clerk_attacker=True)
    chain = _chain(model, "bent-guard")
    assert chain is not None
    assert chain.likelihood == pytest.approx(STEP_PROBABILITY["inject-terminal"])
    assert "the attacker runs the device" in chain.steps[-1].evidence
    # The impostor in the queue cannot inject: only its PAD-lowered photo is left.
    queued = _chain(model)
    assert queued is not None
    assert queued.likelihood == pytest.approx(STEP_PROBABILITY["present-unattended"] * PAD)
