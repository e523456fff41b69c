"""The one risk measure the mitigation plan minimises and `biotm diff` reports.

Risk is the sum of `risk` (likelihood x impact) over open findings, except that identity-theft chains
count one by one and by their reach: a chain finding summarises every attacker's chain to one
verification, so each chain it stands for counts its likelihood times the finding's impact (what the
chain grants: identity, money or account control; data the victim cannot reset) times `reach`, once for
the first victim and once more per factor of ten people the chain can be run against. A finding is one
weakness and its impact stops at 1 however many people it concerns; a chain is a working identity theft,
and one run against 300 million people must outweigh a weakness of the same likelihood, or the plan
ranks a control that breaks it below three-day items that break nothing. A control that breaks eleven
chains removes eleven chains' worth of risk, not one finding's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from biotm.result import AuditResult, Finding, TheftChain

OPEN = ("open", "expired-acceptance")
CHAIN_RULE = "idt-chain"


def reach(chain: TheftChain) -> float:
    """How many times a chain counts: 1 for one victim (a stolen phone), 1 + log10(people) beyond (9.5 at 300M)."""
    return 1.0 + math.log10(max(chain.subjects, 1))


def chain_weight(chain: TheftChain, finding: Finding) -> float:
    """One chain's part of the risk: likelihood x its finding's impact x its reach."""
    return chain.likelihood * finding.impact * reach(chain)


def chain_risk(chains: Iterable[TheftChain], findings: dict[str, Finding]) -> float:
    """The chains' part of the risk: each chain whose finding is open, at its `chain_weight`."""
    total = 0.0
    for chain in chains:
        finding = findings.get(chain.finding)
        if finding is not None and finding.status in OPEN:
            total += chain_weight(chain, finding)
    return total


def findings_risk(findings: Iterable[Finding]) -> float:
    """The open findings' part, chain findings left to `chain_risk`."""
    return sum(f.risk for f in findings if f.status in OPEN and f.rule != CHAIN_RULE)


def risk_of(result: AuditResult) -> float:
    """The plan's risk measure of one audit."""
    chain_findings = {f.id: f for f in result.findings if f.rule == CHAIN_RULE}
    return findings_risk(result.findings) + chain_risk(result.chains, chain_findings)
