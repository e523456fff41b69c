"""Numbers and words an auditor reads on a finding: staff counted, not the customer; data named as declared."""

from __future__ import annotations

import datetime as dt

from biotm.model.loader import load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.result import AuditResult

MODEL = """
meta: {name: counter}
zones:
  - {id: shop, owner: Carrier, jurisdiction: CN, public_place: true}
  - {id: core, owner: Carrier, jurisdiction: CN}
elements:
  - {id: customer, type: actor, role: data-subject, zone: shop, people: 5000000}
  - {id: clerk, type: actor, role: staff, zone: shop, people: 200000}
  - {id: terminal, type: device, zone: shop, capture: attended}
  - id: matcher
    type: process
    zone: core
    matching: one-to-one
    derives:
      - {output: score, inputs: [face, id_portrait]}
    verifies:
      - id: register
        action: register a SIM
        requires: {all: [live:face, id_number]}
        grants: [sim]
        high_assurance: true
data:
  - {id: face, category: biometric_sample, modality: face, subjects: 5000000}
  - {id: id_portrait, category: document_image, subjects: 5000000}
  - {id: id_number, category: national_id, subjects: 5000000}
  - {id: score, category: other, subjects: 5000000}
flows:
  - {id: present, source: customer, target: terminal, data: [face, id_number], protocol: in person}
  - {id: operate, source: clerk, target: terminal, data: [id_number]}
  - {id: submit, source: terminal, target: matcher, data: [face, id_number, id_portrait], encrypted: true}
"""


def _audit() -> AuditResult:
    return audit(load_bytes(MODEL.encode("utf-8"), "counter.yaml"), AuditOptions(today=dt.date(2026, 1, 1)))


def test_people_with_access_count_the_staff_not_the_customer_at_the_counter() -> None:
    at_terminal = [f for f in _audit().findings if f.places == ["terminal"]]
    counts = [x.reason for f in at_terminal for x in f.likelihood_factors if "people with access" in x.reason]
    assert counts and all(reason.startswith("200,000 people") for reason in counts), counts


def test_a_document_image_compared_as_a_face_is_named_as_what_it_is() -> None:
    found = _audit().findings
    named = "most sensitive data: 'id_portrait'"
    reasons = [x.reason for f in found for x in f.impact_factors if x.reason.startswith(named)]
    assert reasons and all("(document image compared as face data)" in r for r in reasons), reasons


def test_every_effect_is_written_without_floating_point_noise() -> None:
    """A regulator reading the JSON sees '0.3', not 0.05 * 6 = 0.30000000000000004."""
    from biotm.generate import dump_yaml, national_model

    loaded = load_bytes(dump_yaml(national_model(600, seed=1)).encode(), "national.yaml")
    result = audit(loaded, AuditOptions(today=dt.date(2026, 1, 1)))
    effects = {(f.reason, f.effect) for finding in result.findings
               for f in (*finding.likelihood_factors, *finding.impact_factors)}
    assert ("7 organisations hold face data", 0.3) in effects
    assert all(round(effect, 6) == effect for _, effect in effects)
