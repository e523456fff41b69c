"""Every rule on random valid models: no crash, well-formed and deterministic findings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings

from biotm.pipeline import AuditOptions, audit
from biotm.regulations import CATALOG
from biotm.result import finding_id, finding_order
from tests.finding_checks import assert_factors_add_up, assert_severity_follows_the_bands
from tests.strategies import load_dict, models


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_rules_on_random_models(model: dict[str, Any]) -> None:
    options = AuditOptions(today=dt.date(2026, 1, 1))
    result = audit(load_dict(model), options)
    again = audit(load_dict(model), options)
    assert result.model_dump_json() == again.model_dump_json()
    findings = result.findings
    assert len({f.id for f in findings}) == len(findings)
    keys = [finding_order(f) for f in findings]
    assert keys == sorted(keys)
    elements = {e.id for e in result.model.elements}
    for f in findings:
        assert 0.0 <= f.likelihood <= 1.0 and 0.0 <= f.impact <= 1.0
        assert all(ref in CATALOG for ref in f.regulations)
        if f.rule == "idt-chain":
            # One chain finding per sequence of verifications: its id names its places and that sequence.
            passed = {
                tuple(f"{s.verifier}/{s.verification}" for s in c.steps if s.verification is not None)
                for c in result.chains
                if c.finding == f.id
            }
            assert len(passed) == 1
            assert f.id == finding_id(f.rule, [*f.places, "|", *passed.pop()])
            assert_severity_follows_the_bands(f)
        elif f.rule == "atk-exposure" and f.place_kind == "data" and set(f.places) & elements:
            # An exposure of item 'x' where an element is also named 'x' is marked, not given the element's id.
            assert f.id == finding_id(f.rule, ["data:", *f.places])
            assert_severity_follows_the_bands(f)
        elif f.rule != "manual-threat":
            assert f.id == finding_id(f.rule, f.places)
            assert_severity_follows_the_bands(f)
        assert_factors_add_up(f)
