"""Properties of the whole audit over random valid models (tests/strategies.py).

They hold for whatever the pipeline computes: today lineage, crossings and warnings; findings,
paths and plans as the rule and analysis stages land. Example counts stay small so the suite is fast;
raise them locally with HYPOTHESIS_PROFILE=thorough.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import load_dict, models, shuffled, to_yaml

from biotm.model import load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.report import renderer
from biotm.result import AuditResult

TODAY = dt.date(2026, 1, 1)
settings.register_profile("ci", max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: Findings that stand for data an attacker takes (docs/attack-paths.md, "Exposure findings").
EXPOSING_RULES = ("atk-exposure", "bio-store-exposed", "bio-console-exposed")
ENCRYPTION_CONTROLS = ("encryption-in-transit", "encryption-at-rest", "template-protection")


def run(model: dict[str, Any]) -> AuditResult:
    return audit(load_dict(model), AuditOptions(today=TODAY))


def place_risks(result: AuditResult) -> dict[tuple[str, ...], float]:
    """The highest open risk at each place (an interaction counts as its flow).

    Compared per place rather than per finding because a rule may stand aside for a more specific
    one at the same place: generic information disclosure on source>flow>target gives way to
    cleartext biometrics on the flow. An exposure counts at each data item it names too: an open place's
    finding lists the items it gives out, and once a control closes the place they are found one by one
    (as are the items of an open store or console, which `bio-store-exposed` or `bio-console-exposed` reports).
    """
    out: dict[tuple[str, ...], float] = {}
    for finding in result.findings:
        if finding.status in ("open", "expired-acceptance"):
            keys = [(finding.places[1],) if finding.place_kind == "interaction" else tuple(finding.places)]
            if finding.rule in EXPOSING_RULES:
                keys = [*(keys if finding.place_kind != "data" else []), *(("data", d) for d in finding.data)]
            for key in keys:
                out[key] = max(out.get(key, 0.0), finding.risk)
    return out


def json_of(result: AuditResult) -> str:
    return renderer("json")(result)


@given(models())
def test_analysis_never_raises_and_json_round_trips(model: dict[str, Any]) -> None:
    result = run(model)
    text = json_of(result)
    again = AuditResult.model_validate_json(text)
    assert again == result
    assert json_of(again) == text


@given(models())
def test_two_runs_give_identical_json(model: dict[str, Any]) -> None:
    first = json_of(audit(load_bytes(to_yaml(model).encode(), "m.yaml"), AuditOptions(today=TODAY)))
    second = json_of(audit(load_bytes(to_yaml(copy.deepcopy(model)).encode(), "m.yaml"), AuditOptions(today=TODAY)))
    assert first == second


def _places(model: dict[str, Any]) -> list[tuple[str, int]]:
    return [("elements", i) for i in range(len(model["elements"]))] + [
        ("flows", i) for i in range(len(model.get("flows", [])))
    ]


@given(models(), st.data())
def test_adding_a_control_never_raises_a_risk(model: dict[str, Any], data: st.DataObject) -> None:
    from biotm.model.controls import CONTROLS

    before = place_risks(run(model))
    section, index = data.draw(st.sampled_from(_places(model)))
    control = data.draw(st.sampled_from(sorted(CONTROLS)))
    changed = copy.deepcopy(model)
    place = changed[section][index]
    if control in place.get("controls", []):
        return
    place["controls"] = [*place.get("controls", []), control]
    after = place_risks(run(changed))
    for where, risk in after.items():
        assert risk <= before.get(where, 0.0) + 1e-9, f"adding {control} to {place['id']} raised the risk at {where}"


def _without_encryption(model: dict[str, Any], data: st.DataObject) -> dict[str, Any] | None:
    """The model with one encryption safeguard removed, or None if it has none."""
    options: list[tuple[str, int, str]] = []
    for index, flow in enumerate(model.get("flows", [])):
        if flow.get("encrypted"):
            options.append(("flows", index, "encrypted"))
    for section, index in _places(model):
        for control in model[section][index].get("controls", []):
            if control in ENCRYPTION_CONTROLS:
                options.append((section, index, control))
    for index, item in enumerate(model.get("data", [])):
        if item.get("protection") not in (None, "none"):
            options.append(("data", index, "protection"))
    if not options:
        return None
    section, index, what = data.draw(st.sampled_from(options))
    changed = copy.deepcopy(model)
    place = changed[section][index]
    if what == "encrypted":
        place["encrypted"] = False
    elif what == "protection":
        place["protection"] = "none"
    else:
        place["controls"] = [c for c in place["controls"] if c != what]
    return changed


@given(models(), st.data())
def test_removing_encryption_never_lowers_a_risk(model: dict[str, Any], data: st.DataObject) -> None:
    changed = _without_encryption(model, data)
    if changed is None:
        return
    before = place_risks(run(model))
    after = place_risks(run(changed))
    for where, risk in before.items():
        assert after.get(where, 0.0) >= risk - 1e-9, f"removing encryption lowered the risk at {where}"


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(models(), st.randoms(use_true_random=False))
def test_reordering_the_file_changes_no_finding(model: dict[str, Any], rng: random.Random) -> None:
    before = run(model)
    after = run(shuffled(model, rng))
    summary = [(f.id, f.rule, f.severity, f.risk, f.places) for f in sorted(before.findings, key=lambda f: f.id)]
    assert summary == [(f.id, f.rule, f.severity, f.risk, f.places) for f in sorted(after.findings, key=lambda f: f.id)]
    assert before.lineage == after.lineage
    assert before.crossings == after.crossings
    # Warning texts list items in file order; which warnings fire must not depend on it.
    assert sorted(w.code for w in before.warnings) == sorted(w.code for w in after.warnings)
