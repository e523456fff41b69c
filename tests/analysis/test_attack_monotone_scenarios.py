"""Adding an attack control, on every shipped scenario, never raises an attack risk.

The random-model properties (test_attack_properties.py) draw small models; this walks the real ones: every
control some leak's path lacks or some chain step names weak, at every place it fits (`candidates.fits`),
one at a time. A control named nowhere is on no best path and at no verifier a chain passes, so it changes
nothing; `BIOTM_EXHAUSTIVE=1` tries every attack control (`CONTROL_EFFECT`) at every place it fits instead
(eight times the work). No theft chain may appear or grow, no attack finding may appear or rise (an exposure
found item by item once its open place is closed is no riskier than the place was for its items), and the
chains' part of the plan's risk may not grow. A chain the likeliest way shadowed (a photo held to a door
reader whose owners' admin login is for sale) is a chain of its own, so cutting the likeliest way does not
make it appear.

Only the attack stage is re-run (the rules have their own properties), and the hardened twins are left out
(they only have fewer chains).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from biotm.analysis.candidates import fits
from biotm.analysis.numbers import CONTROL_EFFECT
from biotm.analysis.stage import AttackAnalysis, analyze_attacks
from biotm.analysis.whatif import with_controls
from biotm.graph import build_graph
from biotm.model.loader import LoadedModel, load_model
from biotm.pipeline import AuditOptions, audit
from biotm.result import AuditResult, Finding

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
TOLERANCE = 1e-9
TODAY = dt.date(2026, 1, 1)
#: Findings that stand for data an attacker takes: the exposures, and the open stores and consoles the rules report.
EXPOSING = ("atk-exposure", "bio-store-exposed", "bio-console-exposed")


def _attacks(loaded: LoadedModel) -> AttackAnalysis:
    return analyze_attacks(build_graph(loaded))


def _candidates(loaded: LoadedModel, analysis: AttackAnalysis) -> list[tuple[str, str]]:
    if os.environ.get("BIOTM_EXHAUSTIVE") == "1":
        places = [e.id for e in loaded.model.elements] + [f.id for f in loaded.model.flows]
        return [(p, c) for p in places for c in sorted(CONTROL_EFFECT)]
    named = {m for leaks in analysis.leaks.values() for leak in leaks.values() for e in leak.edges for m in e.missing}
    named |= {w for chain in analysis.chains for step in chain.steps for w in step.weak_controls}
    return sorted((m.split(":", 1)[0], m.split(":", 1)[1]) for m in named)


def _exposed(findings: list[Finding], data: list[str]) -> float:
    """The lowest, over `data`, of the highest exposure risk an item had (an open place's finding names several)."""
    return min(max((f.risk for f in findings if f.rule in EXPOSING and d in f.data), default=0.0) for d in data)


def _chain_risk(analysis: AttackAnalysis) -> float:
    impact = {f.id: f.impact for f in analysis.findings}
    return sum(c.likelihood * impact[c.finding] for c in analysis.chains)


@pytest.mark.parametrize("path", [p for p in SCENARIOS if not p.stem.endswith("-hardened")], ids=lambda p: p.name)
def test_no_attack_control_raises_an_attack_risk(path: Path) -> None:
    loaded = load_model(path)
    graph = build_graph(loaded)
    before = _attacks(loaded)
    chains = {c.id: c for c in before.chains}
    findings = {f.id: f for f in before.findings}
    tried = 0
    full: AuditResult | None = None
    for place, control in _candidates(loaded, before):
        present = graph.elements[place].controls if place in graph.elements else graph.flows[place].controls
        if control not in present and fits(graph, place, control):
            tried += 1
            after = _attacks(with_controls(loaded, [(place, control)]))
            where = f"{place}:{control}"
            for chain in after.chains:
                assert chain.id in chains, f"{where} opened chain {chain.id} ({chain.attackers})"
                assert chain.likelihood <= chains[chain.id].likelihood + TOLERANCE, (where, chain.id)
            for finding in after.findings:
                if finding.rule == "idt-chain" and finding.id not in findings:
                    # The same chains regrouped under a finding of their verifiers; the chains are checked above.
                    continue
                if finding.rule == "atk-exposure" and finding.id not in findings:
                    # A closed open place: its items are found one by one, none riskier than the place was (an
                    # open store or console is the rules' finding: the full audit has its risk).
                    if full is None:
                        full = audit(loaded, AuditOptions(today=TODAY))
                    bound = max(_exposed(before.findings, finding.data), _exposed(full.findings, finding.data))
                    assert finding.risk <= bound + TOLERANCE, (where, finding.id)
                    continue
                assert finding.id in findings, f"{where} opened {finding.id}"
                assert finding.risk <= findings[finding.id].risk + TOLERANCE, (where, finding.id)
            assert _chain_risk(after) <= _chain_risk(before) + TOLERANCE, where
    assert tried > 0
