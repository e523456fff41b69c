"""`bio-sole-factor` reads the verification: a possession or knowledge factor beside the match is a second
factor, and each way to pass it (one branch per `any`) needs one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rule_models import _matcher, data, run

from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit

RULE = "bio-sole-factor"
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _gate(requires: Any, *items: dict[str, Any]) -> dict[str, Any]:
    verification = {"id": "pass", "action": "open the gate", "requires": requires, "grants": ["in"]}
    verification["high_assurance"] = True
    # Where the capabilities come from (a low-assurance step the rule does not look at).
    issue = {"id": "issue", "action": "issue a badge and an OTP", "requires": "live:face"}
    issue |= {"grants": ["badge", "victim-otp"], "high_assurance": False}
    m = _matcher(verifies=[verification, issue])
    m["data"] += list(items)
    return m


def _fires(m: dict[str, Any]) -> bool:
    return any(f.rule == RULE for f in run(m, RULE).findings)


@pytest.mark.parametrize(
    ("requires", "items", "fires"),
    [
        # A passport chip read at the gate is something the traveller must hold: a possession factor.
        ({"all": ["live:face", "chip"]}, [data("chip", "document_image", possession=True)], False),
        # A photo of the same document is not: anyone with a copy has it.
        ({"all": ["live:face", "chip"]}, [data("chip", "document_image")], True),
        ({"all": ["live:face", "id_number"]}, [data("id_number", "national_id")], True),
        # A secret, or a capability held on the person's own device (an OTP, an enrolled credential).
        ({"all": ["live:face", "pin"]}, [data("pin", "credential")], False),
        ({"all": ["live:face", "victim-otp"]}, [], False),
        # Either a badge or the face alone: the face alone opens it.
        ({"any": ["live:face", "badge"]}, [], True),
        ({"any": [{"all": ["live:face", "badge"]}, {"all": ["live:face", "pin"]}]}, [data("pin", "credential")], False),
    ],
)
def test_a_second_factor_is_read_from_each_way_to_pass(requires: Any, items: list[Any], fires: bool) -> None:
    assert _fires(_gate(requires, *items)) is fires


def test_the_airport_egate_reads_the_passport_chip_as_a_second_factor() -> None:
    result = audit(load_model(SCENARIOS / "airport-egates.yaml"), AuditOptions())
    assert not [f for f in result.findings if f.rule == RULE]
    # The chip is what makes it two factors: the same gate on a document photo is a sole biometric factor.
    chip = next(d for d in load_model(SCENARIOS / "airport-egates.yaml").model.data if d.id == "passport_chip")
    assert chip.possession


def test_the_order_of_an_any_changes_nothing() -> None:
    """The data of the finding were those of the first way the file listed that passes on a match alone: with
    `any: [live:face, sample]` the finding named no data (impact 0.3), with `any: [sample, live:face]` the stored
    sample (impact 0.95). Found by the file-order property test."""
    sample = data("sample", "biometric_sample")
    found = []
    for order in (["live:face", "sample"], ["sample", "live:face"]):
        finding = next(f for f in run(_gate({"any": order}, sample), RULE).findings if f.rule == RULE)
        found.append((finding.data, finding.risk, finding.evidence))
    assert found[0] == found[1]
    assert "sample" in found[0][0]  # the stored sample passes alone too
