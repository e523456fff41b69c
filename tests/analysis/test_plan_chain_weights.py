"""The plan's objective counts identity-theft chains by what they enable: likelihood x impact x reach, where reach
grows with the people a chain can be run against; the same measure `biotm diff` reports."""

from __future__ import annotations

import math

from support import run, scenario

from biotm.analysis.risk import CHAIN_RULE, OPEN, chain_weight, findings_risk, reach, risk_of
from biotm.result import AuditResult


def _sim() -> AuditResult:
    return run(scenario(), plan=True)


def test_a_chain_counts_its_likelihood_impact_and_reach() -> None:
    result = _sim()
    summaries = {f.id: f for f in result.findings if f.rule == CHAIN_RULE}
    chains = [c for c in result.chains if summaries[c.finding].status in OPEN]
    assert chains
    expected = findings_risk(result.findings) + sum(
        c.likelihood * summaries[c.finding].impact * (1 + math.log10(max(c.subjects, 1))) for c in chains
    )
    assert abs(risk_of(result) - expected) < 1e-9
    national = [c for c in chains if c.subjects >= 100_000_000]
    one_victim = [c for c in chains if c.subjects <= 1]
    assert national and one_victim  # the SIM swap of any subscriber; the thief with one victim's phone
    assert all(reach(c) > 9 for c in national) and all(reach(c) == 1 for c in one_victim)
    # a chain against the subscriber base outweighs any single weakness of the model
    top_finding = max(f.risk for f in result.findings if f.rule != CHAIN_RULE and f.status in OPEN)
    assert max(chain_weight(c, summaries[c.finding]) for c in national) > 2 * top_finding


def test_the_first_item_breaks_chains_and_removes_at_least_their_weight() -> None:
    result = _sim()
    assert result.plan is not None
    summaries = {f.id: f for f in result.findings if f.rule == CHAIN_RULE}
    by_id = {c.id: c for c in result.chains}
    first = result.plan.items[0]  # nothing above it has lowered its chains yet
    assert first.breaks_chains
    weight = sum(chain_weight(by_id[c], summaries[by_id[c].finding]) for c in first.breaks_chains)
    assert first.risk_removed >= weight - 1e-9  # adding a control never raises another part
