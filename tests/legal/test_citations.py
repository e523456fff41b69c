"""Every article a rule cites is in the catalogue; reports list only cited articles; each scenario cites the laws
that apply where it runs, pinned here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit
from biotm.regulations import CATALOG, LAWS, law_of
from biotm.rules import all_rules

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
_ID = re.compile(
    r'"((?:' + "|".join(re.escape(k) for k in sorted(LAWS, key=len, reverse=True)) + r')-[A-Za-z0-9().-]+)"'
)


def test_no_rule_cites_an_article_missing_from_the_catalogue() -> None:
    for rule in all_rules():
        assert set(rule.regulations) <= set(CATALOG), rule.id
    # Hits add articles in code (CN-FRT-filing at 100,000 faces, PIPL-26 for public cameras): read them there.
    sources = [*(ROOT / "src" / "biotm" / "rules").rglob("*.py")]
    quoted = {m.group(1) for path in sources for m in _ID.finditer(path.read_text(encoding="utf-8"))}
    assert quoted and sorted(quoted - set(CATALOG)) == []


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_regulations_table_lists_only_cited_articles(path: Path) -> None:
    result = audit(load_model(str(path)), AuditOptions())
    cited = {ref for f in result.findings for ref in f.regulations}
    assert {r.id for r in result.regulations} == cited
    assert all(
        r.kind == ("standard" if law_of(r.id) in ("NIST-800-63", "ISO-24745", "ISO-30107-3", "CEN-TS-18099") else "law")
        for r in result.regulations
    )


def test_a_phone_number_is_not_sensitive_under_pipl() -> None:
    from biotm.legal.scope import sensitive
    from biotm.model.schema import DataItem

    phone = DataItem(id="phone", category="phone_number")
    assert not sensitive("PIPL", phone) and sensitive("PIPL", DataItem(id="id", category="national_id"))
    assert sensitive("PIPL", DataItem(id="kid", category="phone_number", minors=True))
    result = audit(load_model(str(ROOT / "scenarios" / "china-sim-registration.yaml")), AuditOptions())
    data = {d.id: d for d in result.model.data}
    for finding in result.findings:
        if {"PIPL-28", "PIPL-29"} & set(finding.regulations):
            assert any(sensitive("PIPL", data[d]) for d in finding.data), finding.id
    only_phone = [
        f for f in result.findings if f.data and all(data[d].category.value == "phone_number" for d in f.data)
    ]
    assert all("PIPL-28" not in f.regulations for f in only_phone)


#: Per scenario: the laws it must cite (where it runs, for whom) and the ones it must never cite.
LAWS_CITED: dict[str, tuple[set[str], set[str]]] = {
    "china-sim-registration": ({"PIPL", "CN-FRT", "CSL", "NIST-800-63"}, {"GDPR", "BIPA", "AIACT"}),
    "china-sim-registration-hardened": ({"PIPL", "CN-FRT"}, {"GDPR", "BIPA", "AIACT"}),
    "bank-remote-ekyc": ({"GDPR", "NIST-800-63", "CEN-TS-18099"}, {"PIPL", "CN-FRT", "BIPA"}),
    "bank-remote-ekyc-hardened": ({"GDPR"}, {"PIPL", "CN-FRT", "BIPA"}),
    "workplace-attendance": ({"BIPA", "NIST-800-63", "ISO-24745"}, {"PIPL", "CN-FRT", "GDPR", "AIACT"}),
    "workplace-attendance-hardened": ({"BIPA"}, {"PIPL", "CN-FRT", "GDPR", "AIACT"}),
    "airport-egates": ({"GDPR"}, {"PIPL", "CN-FRT", "BIPA"}),
    "exam-registration": ({"PIPL", "CN-FRT"}, {"GDPR", "BIPA", "AIACT"}),
    "jaywalking-cameras": ({"PIPL", "CN-FRT"}, {"GDPR", "BIPA", "AIACT"}),
    "police-face-id-app": ({"PIPL", "CN-FRT"}, {"GDPR", "BIPA", "AIACT"}),
    "citizen-scoring-aggregation": ({"PIPL", "CN-FRT"}, {"GDPR", "BIPA", "AIACT"}),
}

#: Articles a scenario's legal reading hinges on, with the rule and place that cites them.
ARTICLES: dict[str, list[tuple[str, str, str]]] = {
    "china-sim-registration": [
        ("legal-state-disclosure", "police_subscriber_query", "CSL-28"),
        ("bio-third-party-disclosure", "liveness_request", "PIPL-21"),
        ("linddun-no-dpia", "realname_archive", "CN-FRT-filing"),
        # attack findings cite too: the verifier's security duty, the proofing guideline
        ("idt-chain", "realname_system", "PIPL-51"),
        ("idt-chain", "realname_system", "NIST-800-63A"),
        ("atk-exposure", "face_image", "PIPL-51"),
    ],
    "bank-remote-ekyc": [("idt-chain", "onboarding_api", "GDPR-32"), ("atk-exposure", "face_image", "GDPR-32")],
    "workplace-attendance": [
        ("bio-no-separate-consent", "enrol", "BIPA-15b"),
        ("bio-third-party-disclosure", "cloud_sync", "BIPA-15d"),
    ],
    "exam-registration": [("bio-function-creep", "university_admissions", "PIPL-14")],
    "airport-egates": [("bio-third-party-disclosure", "vendor_failure_images", "GDPR-28")],
    "jaywalking-cameras": [("bio-public-disclosure", "screen_viewing", "PIPL-26")],
}

#: Articles a lawyer would strike at that place: PIPL Art. 26 is about cameras in public places, not a selfie
#: an app shows to whoever asked for the check.
NOT_CITED: dict[str, list[tuple[str, str, str]]] = {
    "police-face-id-app": [("bio-public-disclosure", "requester_sees", "PIPL-26")],
    "bank-remote-ekyc": [("idt-chain", "onboarding_api", "PIPL-51")],
}


def test_every_scenario_is_pinned() -> None:
    assert {p.stem for p in SCENARIOS} == set(LAWS_CITED)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_cites_the_laws_that_apply_where_it_runs(path: Path) -> None:
    result = audit(load_model(str(path)), AuditOptions())
    laws = {law_of(ref) for f in result.findings for ref in f.regulations}
    required, excluded = LAWS_CITED[path.stem]
    assert required <= laws and not laws & excluded, sorted(laws)
    # A finding of one obligation lists all its places (one DPIA per controller): match on any of them.
    for rule, place, article in ARTICLES.get(path.stem, []):
        found = [f for f in result.findings if f.rule == rule and (place in f.places or ">".join(f.places) == place)]
        assert found, (rule, place)
        assert any(article in f.regulations for f in found), (rule, place, article)
    for rule, place, article in NOT_CITED.get(path.stem, []):
        found = [f for f in result.findings if f.rule == rule and place in f.places]
        assert found and not any(article in f.regulations for f in found), (rule, place, article)
