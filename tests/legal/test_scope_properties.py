"""Over every shipped scenario and random models: no finding cites a law outside its territorial scope, no
transfer inside one country or the EEA, no DPA finding on a processor's return or a state organ, no consent
finding on a statutory basis."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from legal_checks import violations
from strategies import load_dict, models

from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
#: Places that exercise the hierarchy: subdivisions of one country, EEA members, adequacy, unknown.
PLACES = ["CN", "CN-SH", "CN-BJ", "US", "US-IL", "US-TX", "DE", "FR", "NO", "CH", "GB", "SG", "XX"]
ROLES = ["controller", "processor", "joint-controller", "recipient", "state-organ"]
BASES = ["consent", "separate-consent", "contract", "legal-obligation", "public-task", "vital-interest"]
AGREEMENTS = ["data-processing-agreement", "standard-contractual-clauses", "cac-standard-contract"]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_keeps_the_legal_promises(path: Path) -> None:
    loaded = load_model(str(path))
    assert violations(loaded, audit(loaded, AuditOptions())) == []


@st.composite
def legal_models(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid model with random places, roles, agreements, bases and subject jurisdictions."""
    model = draw(models())
    for zone in model["zones"]:
        zone["jurisdiction"] = draw(st.sampled_from(PLACES))
    names = sorted(
        {z["owner"] for z in model["zones"]} | {e["operator"] for e in model["elements"] if e.get("operator")}
    )
    organisations = []
    for name in names:
        if not draw(st.booleans()):
            continue
        role = draw(st.sampled_from(ROLES))
        org: dict[str, Any] = {"name": name, "role": role}
        others = [n for n in names if n != name]
        if role == "processor":
            if not others:
                continue
            org["controller"] = draw(st.sampled_from(others))
        organisations.append(org)
    if organisations:
        model["organisations"] = organisations
    if len(names) > 1 and draw(st.booleans()):
        pair = draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
        model["agreements"] = [{"between": pair, "kinds": draw(st.lists(st.sampled_from(AGREEMENTS), min_size=1))}]
    for item in model.get("data", []):
        if draw(st.booleans()):
            item["basis"] = {"basis": draw(st.sampled_from(BASES))}
        if draw(st.integers(0, 3)) == 0:
            item["subject_jurisdictions"] = [draw(st.sampled_from(PLACES))]
    return model


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(legal_models())
@example(  # a template derived from Chinese subjects' faces in a US store is still about people in China
    {
        "meta": {"name": "0"},
        "zones": [{"id": "a", "owner": "carrier", "jurisdiction": "US"}],
        "elements": [{"id": "a", "type": "store", "zone": "a", "derives": [{"from": ["a"], "to": "a-3"}]}],
        "data": [
            {"id": "a", "category": "biometric_sample", "modality": "face", "subjects": 0,
             "subject_jurisdictions": ["CN"]},
            {"id": "a-3", "category": "biometric_sample", "modality": "face", "subjects": 0},
        ],
    }
)
def test_random_models_keep_the_legal_promises(model: dict[str, Any]) -> None:
    loaded = load_dict(model)
    assert violations(loaded, audit(loaded, AuditOptions())) == []
