"""Bad legal input is a located error with a suggestion; old per-flow declarations still work, with warnings."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from biotm.cli import cli
from biotm.legal.jurisdictions import adequacy_note, crosses_border, gdpr_restricted, problem, within
from biotm.model.errors import ModelError
from biotm.model.loader import load_bytes
from biotm.pipeline import AuditOptions, audit

BASE = """\
meta: {name: legal}
zones:
  - {id: shop, owner: Carrier, jurisdiction: CN}
  - {id: vendor, owner: Vendor, jurisdiction: CN}
elements:
  - {id: person, type: actor, role: data-subject, zone: shop, holds: [face]}
  - {id: app, type: process, zone: shop}
  - {id: cloud, type: process, zone: vendor}
data:
  - {id: face, category: biometric_sample, modality: face, subjects: 5000}
flows:
  - {id: capture, source: person, target: app, data: [face]}
  - {id: upload, source: app, target: cloud, data: [face], encrypted: true}
"""


ROLES = """\
organisations:
  - {name: Carrier, role: controller}
  - {name: Vendor, role: processor, controller: Carrier}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ModelError) as caught:
        load_bytes(text.encode(), "m.yaml")
    return [str(p) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_jurisdictions_form_a_hierarchy() -> None:
    assert within("US-IL", "US") and within("CN-SH", "CN") and not within("US", "US-IL")
    assert within("NO", "EEA") and not within("NO", "EU") and within("FR", "EU")
    assert not crosses_border("US-TX", "US-TN") and not crosses_border("CN-SH", "CN") and crosses_border("DE", "US")
    assert not gdpr_restricted("DE", "FR") and not gdpr_restricted("DE", "CH") and not gdpr_restricted("CN", "US")
    assert gdpr_restricted("DE", "US") and gdpr_restricted("FR", "CN")
    assert adequacy_note("US-CA") is not None and "Data Privacy Framework" in str(adequacy_note("US"))


def test_unknown_jurisdiction_codes_are_located_with_a_suggestion() -> None:
    assert problem("US-IL") is None and problem("XX") is None
    text = BASE.replace("jurisdiction: CN}\n  - {id: vendor", "jurisdiction: US-XX}\n  - {id: vendor")
    text = text.replace("subjects: 5000}", "subjects: 5000, subject_jurisdictions: [CHN]}")
    found = problems(text)
    assert f"m.yaml:{line_of(text, 'id: shop')}:" in found[0] and "unknown subdivision 'US-XX' of US" in found[0]
    assert "did you mean 'US-TX'?" in found[0]
    assert (
        f"m.yaml:{line_of(text, 'CHN')}:" in found[1]
        and "data item 'face': 'CHN' is an ISO 3166-1 alpha-3 code; write the alpha-2 code 'CN'" in found[1]
    )


def test_a_processor_naming_an_unknown_controller_is_located() -> None:
    text = BASE + "organisations:\n  - {name: Vendor, role: processor, controller: Carier}\n"
    (found,) = problems(text)
    assert found.startswith(f"m.yaml:{line_of(text, 'controller: Carier')}:")
    assert "processor 'Vendor' names unknown controller 'Carier'" in found and "did you mean 'Carrier'?" in found


def test_an_agreement_between_unknown_organisations_is_located() -> None:
    text = BASE + "agreements:\n  - {between: [Carrier, Vendr], kinds: [data-processing-agreement]}\n"
    (found,) = problems(text)
    assert found.startswith(f"m.yaml:{line_of(text, 'Vendr')}:")
    assert "agreement between unknown organisation 'Vendr'" in found and "did you mean 'Vendor'?" in found


def test_legitimate_interest_is_no_basis_under_pipl() -> None:
    text = BASE.replace("subjects: 5000}", "subjects: 5000, basis: {basis: legitimate-interest}}")
    (found,) = problems(text)
    assert found.startswith(f"m.yaml:{line_of(text, 'legitimate-interest')}:")
    assert "legitimate interest is not a basis under PIPL" in found
    cited = BASE.replace("jurisdiction: CN}", "jurisdiction: DE}").replace(
        "subjects: 5000}", "subjects: 5000, basis: {basis: legitimate-interest, law: BIPA-15b}}"
    )
    assert "BIPA has no such basis" in problems(cited)[0]
    german = BASE.replace("jurisdiction: CN}", "jurisdiction: DE}").replace(
        "subjects: 5000}", "subjects: 5000, basis: {basis: legitimate-interest, law: GDPR-6}}"
    )
    load_bytes(german.encode(), "m.yaml")  # a GDPR basis where GDPR applies


def test_a_misspelt_regulation_id_is_an_error_and_a_statute_name_is_not() -> None:
    text = BASE.replace("subjects: 5000}", "subjects: 5000, basis: {basis: legal-obligation, law: ATFL-99}}")
    assert "cites unknown regulation 'ATFL-99'" in problems(text)[0]
    named = BASE.replace("subjects: 5000}", "subjects: 5000, basis: {basis: legal-obligation, law: Exam rules}}")
    load_bytes(named.encode(), "m.yaml")


def _audit(text: str, *rules: str) -> list[tuple[str, list[str]]]:
    result = audit(load_bytes(text.encode(), "m.yaml"), AuditOptions(rules=rules))
    return [(f.rule, f.places) for f in result.findings]


def test_an_agreement_declared_once_holds_for_every_flow_between_the_pair() -> None:
    roles = ROLES
    second = BASE + "  - {id: retry, source: app, target: cloud, data: [face], encrypted: true}\n"
    # One finding for the one missing agreement, listing both flows as its places.
    assert _audit(second + roles, "bio-third-party-disclosure") == [("bio-third-party-disclosure", ["retry", "upload"])]
    agreed = second + roles + "agreements:\n  - {between: [Vendor, Carrier], kinds: [data-processing-agreement]}\n"
    assert _audit(agreed, "bio-third-party-disclosure") == []


def test_a_processors_return_is_no_disclosure_and_a_state_organ_gets_no_dpa_finding() -> None:
    back = BASE + "  - {id: back, source: cloud, target: app, data: [face], encrypted: true}\n"
    roles = ROLES
    assert [p for _, p in _audit(back + roles, "bio-third-party-disclosure")] == [["upload"]]
    state = back + "organisations:\n  - {name: Vendor, role: state-organ, authority: CSL-28}\n"
    found = _audit(state, "bio-third-party-disclosure", "legal-state-disclosure")
    assert ("legal-state-disclosure", ["upload"]) in found
    assert not [f for f in found if f[0] == "bio-third-party-disclosure" and f[1] == ["upload"]]


def test_old_per_flow_agreements_still_suppress_with_a_warning() -> None:
    text = BASE.replace(
        "data: [face], encrypted: true}", "data: [face], encrypted: true, controls: [data-processing-agreement]}"
    )
    result = audit(load_bytes(text.encode(), "m.yaml"), AuditOptions(rules=("bio-third-party-disclosure",)))
    assert result.findings == []
    codes = {w.code: w.message for w in result.warnings}
    assert "between: [Carrier, Vendor]" in codes["legal-agreement-on-flow"]
    assert "organisations:" in codes["legal-no-roles"]
    assert "basis: {basis: legal-obligation" in codes["legal-no-basis"]


def test_a_legal_obligation_basis_replaces_the_consent_finding() -> None:
    assert _audit(BASE, "bio-no-separate-consent") == [("bio-no-separate-consent", ["capture"])]
    text = BASE.replace("subjects: 5000}", "subjects: 5000, basis: {basis: legal-obligation, law: MIIT-2019}}")
    assert _audit(text, "bio-no-separate-consent") == []


def test_subdivisions_and_eea_members_exchange_data_without_a_transfer() -> None:
    for source, target, transfer in (
        ("CN-SH", "CN", False),
        ("DE", "FR", False),
        ("DE", "CH", False),
        ("DE", "US", True),
        ("CN", "SG", True),
    ):
        text = BASE.replace(
            "jurisdiction: CN}\n  - {id: vendor, owner: Vendor, jurisdiction: CN}",
            f"jurisdiction: {source}}}\n  - {{id: vendor, owner: Vendor, jurisdiction: {target}}}",
        )
        assert bool(_audit(text, "bio-cross-border-transfer")) is transfer, (source, target)


def test_rules_json_lists_every_catalogue_article() -> None:
    import json

    from biotm.regulations import CATALOG

    run = CliRunner().invoke(cli, ["rules", "-f", "json"])
    listed = {r["id"] for r in json.loads(run.output)["regulations"]}
    assert listed == set(CATALOG) and "CN-FRT-filing" in listed


def test_onward_transfers_of_eu_peoples_data_count_and_imports_into_the_eea_do_not() -> None:
    eu_people = BASE.replace("subjects: 5000}", "subjects: 5000, subject_jurisdictions: [DE]}")
    for source, target, transfer in (("US", "IN", True), ("US", "CH", False), ("US", "FR", False)):
        text = eu_people.replace(
            "jurisdiction: CN}\n  - {id: vendor, owner: Vendor, jurisdiction: CN}",
            f"jurisdiction: {source}}}\n  - {{id: vendor, owner: Vendor, jurisdiction: {target}}}",
        )
        assert bool(_audit(text, "bio-cross-border-transfer")) is transfer, (source, target)
