"""An impact assessment is owed where a law in scope asks for one (GDPR Art. 35, PIPL Art. 55); elsewhere
(Illinois: BIPA asks for a retention policy and a written release) the finding is recommended practice, scored
low, and cites no law."""

from __future__ import annotations

from test_consent_and_relationships import CAPTURE

from biotm.model.loader import load_bytes
from biotm.pipeline import AuditOptions, audit


def _dpia(jurisdiction: str) -> tuple[str, list[str], list[str]]:
    model = load_bytes(CAPTURE.replace("JURISDICTION", jurisdiction).replace(", BASIS", "").encode(), "m.yaml")
    (finding,) = audit(model, AuditOptions(rules=("linddun-no-dpia",))).findings
    return finding.severity, finding.regulations, [f.reason for f in finding.likelihood_factors]


def test_where_a_law_owes_the_assessment_it_is_cited_and_not_discounted() -> None:
    for jurisdiction, article in (("DE", "GDPR-35"), ("CN", "PIPL-55")):
        _, regulations, reasons = _dpia(jurisdiction)
        assert article in regulations
        assert not any("recommended practice" in r for r in reasons)


def test_under_bipa_alone_it_is_recommended_practice_and_cites_no_law() -> None:
    severity, regulations, reasons = _dpia("US-IL")
    assert regulations == []
    assert any("no law in scope obliges an impact assessment" in r for r in reasons)
    assert severity in ("low", "info")
    assert _dpia("DE")[0] not in ("low", "info")
