"""Consent is owed by the law and the organisation that process biometrics, a contract is no GDPR Art. 9
exception nor is a legal duty whose law does not provide for the biometrics, a processing agreement is judged
per relationship, and the CN alternative duty yields to a law."""

from __future__ import annotations

from biotm.model.loader import load_bytes
from biotm.pipeline import AuditOptions, audit

CAPTURE = """\
meta: {name: consent}
zones:
  - {id: shop, owner: Shop, jurisdiction: JURISDICTION}
elements:
  - {id: person, type: actor, role: data-subject, zone: shop, holds: [face]}
  - {id: kiosk, type: device, zone: shop, capture: attended, matching: one-to-one, purpose: membership}
data:
  - {id: face, category: biometric_sample, modality: face, subjects: 5000, purposes: [membership], BASIS}
flows:
  - {id: capture, source: person, target: kiosk, data: [face]}
"""


def _findings(text: str, *rules: str) -> list[tuple[str, list[str], list[str]]]:
    result = audit(load_bytes(text.encode(), "m.yaml"), AuditOptions(rules=rules))
    return [(f.rule, f.places, f.regulations) for f in result.findings]


def _capture(jurisdiction: str, basis: str) -> str:
    return CAPTURE.replace("JURISDICTION", jurisdiction).replace("BASIS", basis)


def test_a_contract_is_no_art9_exception_but_a_pipl_basis() -> None:
    contract = "basis: {basis: contract}"
    (found,) = _findings(_capture("DE", contract), "bio-no-separate-consent")
    assert found[1] == ["capture"] and found[2] == ["GDPR-9"]
    (illinois,) = _findings(_capture("US-IL", contract), "bio-no-separate-consent")
    assert illinois[2] == ["BIPA-15b"]  # a written release whatever the basis
    assert _findings(_capture("CN", contract), "bio-no-separate-consent") == []  # PIPL Art. 13(1)(2)
    # Explicit consent meets Art. 9(2)(a); a legal obligation is judged by what the law asks, not by consent.
    assert _findings(_capture("DE", "consent: separate, basis: {basis: contract}"), "bio-no-separate-consent") == []
    statutory = _capture("US-IL", "basis: {basis: legal-obligation, law: Background checks act}")
    found_rules = {rule for rule, _, _ in _findings(statutory, "bio-no-separate-consent", "legal-obligation-limits")}
    assert found_rules == {"legal-obligation-limits"}


def test_a_legal_duty_meets_art9_only_where_its_law_provides_for_the_biometrics() -> None:
    # AML due diligence obliges a bank to verify identity, not to match faces: GDPR Art. 9(2) still needs
    # explicit consent, or a law that itself provides for the biometric processing (9(2)(g), the EES).
    aml = "basis: {basis: legal-obligation, law: AMLD-13}"
    result = audit(load_bytes(_capture("DE", aml).encode(), "m.yaml"), AuditOptions(rules=("bio-no-separate-consent",)))
    (finding,) = result.findings
    assert finding.places == ["capture"] and finding.regulations == ["GDPR-9"]
    assert finding.evidence.startswith("Shop collects 'face' for membership with no separate consent (consent: not")
    assert "legal duty (AMLD-13) that does not itself provide for biometric processing" in finding.evidence
    provided = "basis: {basis: legal-obligation, law: AMLD-13, biometric: true}"
    assert _findings(_capture("DE", provided), "bio-no-separate-consent") == []
    assert _findings(_capture("DE", "consent: separate, " + aml), "bio-no-separate-consent") == []
    assert _findings(_capture("CN", aml), "bio-no-separate-consent") == []  # PIPL Art. 13(1)(3) suffices
    (task,) = _findings(_capture("FR", "basis: {basis: public-task, law: Code de la route}"), "bio-no-separate-consent")
    assert task[2] == ["GDPR-9"]
    (interest,) = _findings(_capture("DE", "basis: {basis: legitimate-interest}"), "bio-no-separate-consent")
    assert interest[2] == ["GDPR-9"]  # Art. 9(2) has no legitimate-interest exception


CRAWL = """\
meta: {name: crawl}
zones:
  - {id: web, owner: Platform, jurisdiction: DE}
  - {id: cloud, owner: Searcher, jurisdiction: DE}
elements:
  - {id: person, type: actor, role: data-subject, zone: web, holds: [photo]}
  - {id: site, type: external, zone: web, purpose: social-networking}
  - {id: crawler, type: process, zone: cloud, purpose: face-search}
  - id: indexer
    type: process
    zone: cloud
    purpose: face-search
    derives: [{from: [photo], to: template}]
data:
  - {id: photo, category: biometric_sample, modality: face, subjects: 5000, purposes: [social-networking]}
  - {id: template, category: biometric_template, modality: face, subjects: 5000, purposes: [face-search]}
flows:
  - {id: post, source: person, target: site, data: [photo]}
  - {id: crawl, source: site, target: crawler, data: [photo], encrypted: true}
  - {id: index, source: crawler, target: indexer, data: [photo], encrypted: true}
"""


def test_consent_is_owed_where_the_biometric_processing_happens() -> None:
    found = _findings(CRAWL, "bio-no-separate-consent")
    assert [places for _, places, _ in found] == [["crawl"]]
    # Once the platform itself builds templates from the upload, the upload is where consent is owed.
    own = CRAWL.replace("purpose: social-networking}\n", "purpose: social-networking, matching: one-to-many}\n", 1)
    assert next(places for _, places, _ in _findings(own, "bio-no-separate-consent")) == ["post"]


VENDOR = """\
meta: {name: vendor}
zones:
  - {id: site, owner: Employer, jurisdiction: US-IL}
  - {id: cloud, owner: Vendor, jurisdiction: US-MN}
elements:
  - {id: employee, type: actor, role: data-subject, zone: site, holds: [finger]}
  - {id: clock, type: device, zone: site, purpose: timekeeping, derives: [{from: [finger], to: template}]}
  - {id: service, type: external, zone: cloud, purpose: timekeeping}
  - {id: store, type: store, zone: cloud, purpose: timekeeping}
data:
  - {id: finger, category: biometric_sample, modality: fingerprint, subjects: 500, purposes: [timekeeping]}
  - {id: template, category: biometric_template, modality: fingerprint, subjects: 500, purposes: [timekeeping]}
flows:
  - {id: scan, source: employee, target: clock, data: [finger]}
  - {id: sync, source: clock, target: service, data: [template], encrypted: true}
  - {id: download, source: service, target: clock, data: [template], encrypted: true}
  - {id: keep, source: service, target: store, data: [template], encrypted: true}
"""


def test_one_processing_agreement_finding_per_relationship() -> None:
    (found,) = _findings(VENDOR, "bio-third-party-disclosure")
    assert found[1] == ["download", "sync"]
    result = audit(
        load_bytes(VENDOR.encode(), "m.yaml"),
        AuditOptions(rules=("bio-third-party-disclosure",), with_controls=("service:data-processing-agreement",)),
    )
    assert [f.status for f in result.findings] != ["open"]


SIM = """\
meta: {name: sim}
zones:
  - {id: shop, owner: Carrier, jurisdiction: CN}
elements:
  - {id: person, type: actor, role: data-subject, zone: shop, holds: [face]}
  - id: terminal
    type: process
    zone: shop
    matching: one-to-one
    purpose: registration
    derives: [{from: [face], to: template}]
    verifies:
      - id: open
        action: open a phone line
        requires: {all: [live:face]}
        grants: [account-control]
        high_assurance: true
data:
  - {id: face, category: biometric_sample, modality: face, subjects: 5000, purposes: [registration], BASIS}
  - {id: template, category: biometric_template, modality: face, subjects: 5000, purposes: [registration]}
flows:
  - {id: capture, source: person, target: terminal, data: [face]}
"""


def test_the_non_face_alternative_yields_where_a_law_requires_face_recognition() -> None:
    mandated = SIM.replace("BASIS", "basis: {basis: legal-obligation, law: MIIT-2019}")
    convenient = SIM.replace("BASIS", "consent: separate")
    (required,) = _findings(mandated, "bio-sole-factor")
    (chosen,) = _findings(convenient, "bio-sole-factor")
    assert "CN-FRT-alternative" not in required[2] and "CN-FRT-alternative" in chosen[2]


def test_one_consent_gap_of_one_controller_is_one_finding_listing_its_flows() -> None:
    two = _capture("US-IL", "consent: bundled") + "  - {id: again, source: person, target: door, data: [face]}\n"
    two = two.replace(
        "data:\n", "  - {id: door, type: device, zone: shop, capture: attended, matching: one-to-one}\ndata:\n", 1
    )
    (found,) = _findings(two, "bio-no-separate-consent")
    assert found[1] == ["again", "capture"] and found[2] == ["BIPA-15b"]


TRANSFER = """\
meta: {name: transfer}
zones:
  - {id: bank, owner: Bank, jurisdiction: DE}
  - {id: vendor, owner: Vendor, jurisdiction: US}
elements:
  - {id: customer, type: actor, role: data-subject, zone: bank, holds: [face, document]}
  - {id: app, type: process, zone: bank, purpose: onboarding}
  - {id: idv, type: process, zone: vendor, purpose: onboarding, matching: one-to-one}
data:
  - {id: face, category: biometric_sample, modality: face, subjects: 5000, consent: separate}
  - {id: document, category: biometric_sample, modality: face, subjects: 5000, consent: separate}
flows:
  - {id: take, source: customer, target: app, data: [face, document]}
  - {id: selfie, source: app, target: idv, data: [face], encrypted: true}
  - {id: id_photo, source: app, target: idv, data: [document], encrypted: true}
  - {id: retry, source: app, target: idv, data: [face], encrypted: true}
"""


def test_one_transfer_finding_per_exporter_importer_and_destination() -> None:
    (found,) = _findings(TRANSFER, "bio-cross-border-transfer")
    assert found[1] == ["id_photo", "retry", "selfie"]
    agreed = TRANSFER + "agreements:\n  - {between: [Bank, Vendor], kinds: [standard-contractual-clauses]}\n"
    assert _findings(agreed, "bio-cross-border-transfer") == []


def test_one_function_creep_finding_per_purpose_change() -> None:
    crawl = CRAWL + "  - {id: to_search, source: indexer, target: search, data: [template], encrypted: true}\n"
    search = "  - {id: search, type: process, zone: cloud, purpose: face-search, matching: one-to-many}\n"
    crawl = crawl.replace("data:\n", search + "data:\n", 1)
    found = _findings(crawl, "bio-function-creep")
    # social-networking -> face-search at the crawler and the indexer is one change of purpose.
    assert [places for _, places, _ in found] == [["crawler", "indexer"]]


def test_crossings_to_and_from_the_subject_are_no_disclosure_and_subdivisions_no_border() -> None:
    text = VENDOR.replace("owner: Employer, jurisdiction: US-IL}", "owner: Employer, jurisdiction: US-TX}")
    text = text.replace("{id: employee, type: actor, role: data-subject, zone: site,", "{id: employee, type: actor, "
                        "role: data-subject, zone: home,")
    text = text.replace("zones:\n", "zones:\n  - {id: home, owner: Employees, jurisdiction: US-TN}\n", 1)
    text += "  - {id: receipt, source: clock, target: employee, data: [template]}\n"
    result = audit(load_bytes(text.encode(), "m.yaml"), AuditOptions(rules=("bio-third-party-disclosure",)))
    crossings = {c.flow: c for c in result.crossings}
    assert not crossings["scan"].disclosure and not crossings["receipt"].disclosure
    assert not crossings["scan"].cross_border and crossings["sync"].disclosure
