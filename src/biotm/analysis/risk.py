"""The one risk measure the mitigation plan minimises and `biotm diff` reports.

Risk is the sum of `risk` (likelihood x impact) over open findings, except that identity-theft chains
count one by one: a chain finding summarises every attacker's chain to one verification, so the plan
counts each chain it stands for at the chain's likelihood times the finding's impact (what the chain
grants: identity, money or account control; irrevocable data; people exposed). A control that breaks
eleven chains removes eleven chains' worth of risk, not one finding's.
"""

from __future__ import annotations

from collections.abc import Iterable

from biotm.result import AuditResult, Finding, TheftChain

OPEN = ("open", "expired-acceptance")
CHAIN_RULE = "idt-chain"


def chain_risk(chains: Iterable[TheftChain], findings: dict[str, Finding]) -> float:
    """The chains' part of the risk: each chain whose finding is open, at its likelihood x that impact."""
    total = 0.0
    for chain in chains:
        finding = findings.get(chain.finding)
        if finding is not None and finding.status in OPEN:
            total += chain.likelihood * finding.impact
    return total


def findings_risk(findings: Iterable[Finding]) -> float:
    """The open findings' part, chain findings left to `chain_risk`."""
    return sum(f.risk for f in findings if f.status in OPEN and f.rule != CHAIN_RULE)


def risk_of(result: AuditResult) -> float:
    """The plan's risk measure of one audit."""
    chain_findings = {f.id: f for f in result.findings if f.rule == CHAIN_RULE}
    return findings_risk(result.findings) + chain_risk(result.chains, chain_findings)
