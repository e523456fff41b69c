"""Audit results for the report tests: the minimal fixture with findings, paths, chains and a plan.

The rules and attack stages fill these on main; until they all land, the report tests build a fully
populated result by hand from a real audited model, so every section of every format is exercised.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit
from biotm.result import (
    Acceptance,
    AttackPath,
    AttackStep,
    AuditResult,
    ChainStep,
    Factor,
    Finding,
    MitigationPlan,
    PlanItem,
    RegulationRef,
    RuleInfo,
    Severity,
    TheftChain,
    finding_id,
)

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = TESTS / "fixtures"
ROOT = TESTS.parent
SCENARIOS = ROOT / "scenarios"
TODAY = dt.date(2026, 1, 1)

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'


def audited(path: Path) -> AuditResult:
    return audit(load_model(str(path)), AuditOptions(today=TODAY))


def _finding(
    result: AuditResult,
    rule: str,
    title: str,
    severity: Severity,
    likelihood: float,
    impact: float,
    place_kind: str,
    places: list[str],
    **extra: object,
) -> Finding:
    kind = "flow" if place_kind in ("flow", "interaction") else "element"
    anchor = places[1] if place_kind == "interaction" else places[0]
    values: dict[str, object] = {
        "id": finding_id(rule, places),
        "rule": rule,
        "title": title,
        "severity": severity,
        "likelihood": likelihood,
        "impact": impact,
        "risk": round(likelihood * impact, 4),
        "likelihood_factors": [Factor(reason="reachable from the internet", effect=0.2)],
        "impact_factors": [Factor(reason="irrevocable biometric", effect=0.3)],
        "place_kind": place_kind,
        "places": places,
        "data": ["face_image"],
        "subjects": 1000,
        "categories": ["STRIDE:Information disclosure", "BIO:T9"],
        "cwe": ["CWE-311"],
        "regulations": ["PIPL-28"],
        "mitigations": ["encryption-in-transit"],
        "evidence": f"{title} at {' > '.join(places)}",
        "location": result.locations.get(f"{kind}:{anchor}"),
    }
    values.update(extra)
    return Finding.model_validate(values)


def findings_for(result: AuditResult) -> list[Finding]:
    """Hand-made findings on the minimal fixture's places, with real locations from the result."""
    out = [
        _finding(result, "bio-plaintext-flow", "Biometric sample sent unencrypted", "critical", 0.9, 0.95,
                 "flow", ["liveness"]),
        _finding(result, "bio-template-unprotected", "Template stored without irreversible protection", "high",
                 0.6, 0.9, "element", ["archive"], data=["face_template"], regulations=["PIPL-28", "GDPR-9"]),
        _finding(result, "bio-cross-border", "Face image leaves the jurisdiction", "medium", 0.5, 0.6,
                 "interaction", ["matcher", "liveness", "sdk_cloud"], regulations=["PIPL-38"],
                 mitigations=["data-sharing-agreement"], cwe=[]),
        _finding(result, "bio-capture-public", "Capture in a public place", "low", 0.3, 0.4, "element",
                 ["terminal"], status="accepted",
                 acceptance=Acceptance(justification="clerk watches", owner="ciso", expires=dt.date(2027, 1, 1))),
        _finding(result, "bio-info-note", "Only one modality", "info", 0.1, 0.1, "element", ["matcher"],
                 regulations=[], mitigations=[], categories=[]),
    ]
    return sorted(out, key=lambda f: (["critical", "high", "medium", "low", "info"].index(f.severity), f.id))


def rules_for(findings: list[Finding]) -> list[RuleInfo]:
    return sorted(
        {
            f.rule: RuleInfo(
                id=f.rule,
                title=f.title,
                description=f"Fires when: {f.title.lower()}.",
                family="biometric",
                categories=f.categories,
                threat_tree=[],
                cwe=f.cwe,
                regulations=f.regulations,
                mitigations=f.mitigations,
                default_severity=f.severity,
            )
            for f in findings
        }.values(),
        key=lambda r: r.id,
    )


def populate(result: AuditResult) -> AuditResult:
    """`result` with findings, rules, regulations, attack paths, a chain and a plan added."""
    findings = findings_for(result)
    chain_finding = _finding(result, "idt-sim-takeover", "SIM registered in the victim's name", "critical", 0.7,
                             1.0, "element", ["matcher"], data=["face_image", "id_number"])
    findings = [chain_finding, *findings]
    chain = TheftChain(
        id="chain-sim-otp",
        attacker="fraudster",
        goal="bank-account",
        likelihood=0.42,
        subjects=1000,
        severity="critical",
        steps=[
            ChainStep(verifier="leak", verification=None, action="buy the leaked archive", uses=[],
                      grants=["face_image", "id_number"], likelihood=0.8, evidence="archive reachable",
                      weak_controls=["encryption-at-rest"]),
            ChainStep(verifier="matcher", verification="register-sim", action="register a SIM in the victim's name",
                      uses=["face_image", "id_number"], grants=["sim"], likelihood=0.6,
                      evidence="no presentation-attack detection", weak_controls=["presentation-attack-detection"]),
        ],
        finding=chain_finding.id,
        broken_by=["presentation-attack-detection"],
    )
    paths = [
        AttackPath(
            attacker="outsider",
            target_data="face_template",
            probability=0.35,
            steps=[
                AttackStep(source="entry", target="sdk_cloud", via="entry", probability=0.7,
                           reason="internet-facing zone"),
                AttackStep(source="sdk_cloud", target="archive", via="archive_write", probability=0.5,
                           reason="no mutual authentication"),
            ],
            reaches="archive",
        )
    ]
    plan = MitigationPlan(
        method="greedy",
        budget_days=20.0,
        total_cost_days=8.0,
        total_risk_removed=1.1,
        risk_before=2.5,
        risk_after=1.4,
        items=[
            PlanItem(rank=1, control="encryption-in-transit", place="liveness", cost_days=3.0, risk_removed=0.8,
                     closes=[findings[1].id], breaks_chains=[], reason="closes the worst flow"),
            PlanItem(rank=2, control="presentation-attack-detection", place="terminal", cost_days=5.0,
                     risk_removed=0.3, closes=[chain_finding.id], breaks_chains=["chain-sim-otp"],
                     reason="breaks the SIM chain"),
        ],
    )
    regulations = [
        RegulationRef(id="GDPR-9", law="GDPR", article="Art. 9", title="Special categories of personal data"),
        RegulationRef(id="PIPL-28", law="PIPL", article="Art. 28", title="Sensitive personal information"),
        RegulationRef(id="PIPL-38", law="PIPL", article="Art. 38", title="Cross-border provision"),
    ]
    return result.model_copy(
        update={
            "findings": findings,
            "rules": rules_for(findings),
            "regulations": regulations,
            "attack_paths": paths,
            "chains": [chain],
            "plan": plan,
        }
    )


def hostile_yaml() -> str:
    """The minimal fixture with every free-text field carrying script or markup."""
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    for marker in ("  - id: customer\n", "  - id: matcher\n", "  - id: archive\n", "  - id: face_image\n",
                   "  - id: liveness\n", "  - id: vendor\n"):
        name = XSS_SCRIPT if "customer" in marker or "face" in marker or "vendor" in marker else XSS_IMG
        text = text.replace(marker, f"{marker}    name: '{name.replace(chr(39), chr(39) * 2)}'\n"
                            f"    description: '{XSS_IMG.replace(chr(39), chr(39) * 2)} | `tick` [x](javascript:1)'\n")
    return text.replace("  name: minimal", f"  name: 'minimal {XSS_SCRIPT}'")


def per_place_findings(result: AuditResult) -> AuditResult:
    """`result` with one made-up finding per flow and per element, located where each is written.

    Lets location and fingerprint tests run on any model before the rules stage fills real findings.
    """
    findings = [
        _finding(result, "test-flow", f"flow {f.id}", "medium", 0.5, 0.5, "flow", [f.id]) for f in result.model.flows
    ] + [
        _finding(result, "test-element", f"element {e.id}", "low", 0.3, 0.3, "element", [e.id])
        for e in result.model.elements
    ]
    findings.sort(key=lambda f: f.id)
    return result.model_copy(update={"findings": findings, "rules": rules_for(findings)})
