"""Each way to pass a verification (one branch per `any`) is a chain of its own, broken by its own controls.

Reporting only the likeliest way hid the others until a control cut it, and then a new chain appeared:
adding a control raised a risk (workplace-attendance, `mfa` at the vendor cloud).
"""

from __future__ import annotations

import datetime as dt

from biotm.analysis.chain_ways import MAX_WAYS, ways_of
from biotm.model.loader import load_bytes
from biotm.model.schema import Requirement
from biotm.pipeline import AuditOptions, audit
from biotm.result import AuditResult, TheftChain

MODEL = """
meta: {name: two ways through one door}
zones:
  - {id: site, owner: Employer, jurisdiction: US}
elements:
  - {id: staff, type: actor, role: data-subject, zone: site, holds: [face_image]}
  - id: console
    type: process
    zone: site
    verifies:
      - {id: enrol, action: enrol a face, requires: admin_password, grants: [face-enrolled], high_assurance: false}
  - id: door
    type: device
    zone: site
    capture: attended
    verifies:
      - id: open
        action: open the server room
        requires: {any: [live:face, face-enrolled]}
        grants: [server-room]
        high_assurance: true
data:
  - {id: face_image, category: biometric_sample, modality: face, subjects: 500}
  - {id: admin_password, category: credential, subjects: 5}
flows:
  - {id: approach, source: staff, target: door, data: [face_image]}
attackers:
  - {id: intruder, kind: fraudster, entry: [site], holds: [face_image, admin_password]}
"""


def _audit(*controls: str) -> AuditResult:
    options = AuditOptions(today=dt.date(2026, 1, 1), attackers=("intruder",), with_controls=controls)
    return audit(load_bytes(MODEL.encode("utf-8"), "ways.yaml"), options)


def _doors(result: AuditResult) -> dict[tuple[str, ...], TheftChain]:
    return {tuple(c.steps[-1].uses): c for c in result.chains if c.goal == "server-room"}


def test_the_shadowed_way_is_reported_beside_the_likeliest() -> None:
    doors = _doors(_audit())
    assert set(doors) == {("face-enrolled",), ("live:face",)}
    enrolled, faked = doors[("face-enrolled",)], doors[("live:face",)]
    assert enrolled.likelihood > faked.likelihood
    # Each is broken by what cuts it: the console's second factor cuts the enrolment, not the photo.
    assert "console:second-factor" in enrolled.broken_by
    assert not any("console:" in option for option in faked.broken_by)
    assert any("door:presentation-attack-detection" in option for option in faked.broken_by)
    assert enrolled.finding != faked.finding


def test_cutting_the_likeliest_way_leaves_the_other_as_it_was() -> None:
    before = _doors(_audit())
    after = _doors(_audit("console:second-factor"))
    assert set(after) == {("live:face",)}
    assert after[("live:face",)].id == before[("live:face",)].id
    assert after[("live:face",)].likelihood == before[("live:face",)].likelihood


def test_ways_expand_every_any_and_stop_at_the_bound() -> None:
    both = Requirement(all=["name", Requirement(any=["a", "b"]), Requirement(any=["c", "d"])])
    ways = ways_of(both)
    assert sorted(sorted(w.terms()) for w in ways if isinstance(w, Requirement)) == [
        ["a", "c", "name"],
        ["a", "d", "name"],
        ["b", "c", "name"],
        ["b", "d", "name"],
    ]
    assert ways_of("name") == ["name"]
    wide = Requirement(any=[f"t{i}" for i in range(MAX_WAYS + 1)])
    assert ways_of(wide) == [wide]  # too many: the likeliest way only, as the solve finds it
