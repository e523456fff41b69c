"""A disclosure to a state organ under statute is one finding (legal-state-disclosure), not also a LINDDUN
"identified data handed over where a pseudonym would do": the organ asks for the person."""

from __future__ import annotations

from biotm.model.loader import load_bytes
from biotm.pipeline import AuditOptions, audit

QUERY = """\
meta: {name: police query}
zones:
  - {id: carrier, owner: Carrier, jurisdiction: CN}
  - {id: RECIPIENT_ZONE, owner: RECIPIENT, jurisdiction: CN}
elements:
  - {id: archive, type: store, zone: carrier, purpose: identity-verification}
  - {id: query, type: external, zone: RECIPIENT_ZONE, purpose: public-security}
data:
  - {id: face, category: biometric_sample, modality: face, subjects: 5000000, purposes: [identity-verification]}
  - {id: id_number, category: national_id, subjects: 5000000}
  - {id: address, category: contact, subjects: 5000000}
flows:
  - {id: lookup, source: archive, target: query, data: [face, id_number, address], encrypted: true}
organisations:
  - {name: Carrier, role: controller}
  - {name: RECIPIENT, role: ROLE}
"""


def _rules(recipient: str, role: str) -> set[str]:
    text = QUERY.replace("RECIPIENT_ZONE", "other").replace("RECIPIENT", recipient).replace("ROLE", role)
    if role == "state-organ":
        text = text.replace("role: state-organ", "role: state-organ, authority: CSL-28")
    options = AuditOptions(rules=("linddun-identifying", "legal-state-disclosure"))
    return {f.rule for f in audit(load_bytes(text.encode(), "m.yaml"), options).findings}


def test_a_state_organ_query_is_the_state_disclosure_finding_alone() -> None:
    assert _rules("Public security bureau", "state-organ") == {"legal-state-disclosure"}


def test_handing_the_same_record_to_a_company_stays_a_linddun_finding() -> None:
    assert _rules("Data broker", "recipient") == {"linddun-identifying"}
