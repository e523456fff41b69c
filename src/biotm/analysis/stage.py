"""The attack stage of the audit: attack paths, exposure findings, identity-theft chains and their findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from biotm.analysis.attackers import MISUSING_KINDS, attackers_for
from biotm.analysis.chains import ChainSolver
from biotm.analysis.credentials import widen
from biotm.analysis.exposure import EXPOSURE_RULE, OPEN_PLACE_RULES, authorized, exposure_findings, rule_reported
from biotm.analysis.factors import CHAIN_RULE
from biotm.analysis.numbers import Numbers
from biotm.analysis.paths import (
    MAX_SPUR_SEARCHES,
    AttackGraph,
    Leak,
    default_targets,
    skill_scale,
    to_attack_path,
)
from biotm.analysis.theft import MAX_CHAIN_STEPS, MAX_CHAINS, theft_chains
from biotm.graph import SystemGraph
from biotm.model.schema import Attacker
from biotm.result import AttackPath, Finding, TheftChain

#: Without --target, the (attacker, data) pairs (likeliest first) that get k paths rather than one.
MAX_DEFAULT_K_PAIRS = 10
#: Pairs `biotm paths` gives k paths to unless --target names the data: each pair's search walks the graph
#: again (a 10,000-element model with 300 data items has 600 pairs: 27 s); the others keep their likeliest.
PATHS_K_PAIRS = 100


@dataclass
class AttackAnalysis:
    """Everything the attack stage found, before it is written into an AuditResult."""

    attackers: list[Attacker]
    attack_graph: AttackGraph
    leaks: dict[str, dict[str, Leak]]
    findings: list[Finding] = field(default_factory=list)
    chains: list[TheftChain] = field(default_factory=list)
    #: What was cut to stay bounded, said in the report.
    notes: list[str] = field(default_factory=list)
    #: Open places a rule of this run reports (`exposure.rule_reported`): their exposure stands aside.
    reported: frozenset[str] = frozenset()


def analyze_attacks(
    graph: SystemGraph,
    only: tuple[str, ...] = (),
    reported: frozenset[str] | None = None,
    explain: bool = True,
) -> AttackAnalysis:
    """Leaks per attacker, exposure findings and theft chains (with their findings) for one graph.

    `reported`: open places a rule that ran reports (`exposure.rule_reported`); every other open place gets
    its exposure finding; None: what the open-place rules report when every rule runs, as in a default audit.
    Without `explain`, no chain's `broken_by` is searched (it changes no risk)."""
    if reported is None:
        reported = reported_by_default(graph)
    numbers = Numbers.of(graph.model.settings)
    attackers = attackers_for(graph, only)
    attack_graph = AttackGraph(graph, numbers)
    leaks = {a.id: attack_graph.leaks(a) for a in attackers}
    widen(graph, attack_graph, ChainSolver(graph, numbers, controls=attack_graph.controls), attackers, leaks)
    analysis = AttackAnalysis(attackers, attack_graph, leaks, reported=reported)
    analysis.findings.extend(exposure_findings(graph, attackers, leaks, attack_graph, reported))
    chains, chain_findings = theft_chains(
        graph, numbers, attackers, leaks, attack_graph.controls, analysis.notes, explain
    )
    analysis.chains = chains
    analysis.findings.extend(chain_findings)
    return analysis


def reported_by_default(
    graph: SystemGraph,
    rules: tuple[str, ...] = (),
    skip_rules: tuple[str, ...] = (),
    with_controls: tuple[str, ...] = (),
) -> frozenset[str]:
    """The open stores and consoles `bio-store-exposed` and `bio-console-exposed` report when the rules `rules` /
    `skip_rules` select run (default: all) on `graph` with `with_controls` ('place:control') added."""
    from biotm.options import AuditOptions
    from biotm.rules import registry
    from biotm.rules.engine import run_rules  # here: the rules import parts of the analyses

    picked, _ = registry.select(registry.all_rules(), rules, skip_rules)
    ids = tuple(sorted(OPEN_PLACE_RULES & {r.id for r in picked}))
    if not ids:
        return frozenset()
    return rule_reported(run_rules(graph, AuditOptions(rules=ids, with_controls=with_controls)).findings)


def attack_paths(
    analysis: AttackAnalysis, targets: tuple[str, ...] = (), k: int = 3, k_pairs: int | None = MAX_DEFAULT_K_PAIRS
) -> list[AttackPath]:
    """The k most likely paths per (attacker, target data item); the first is Dijkstra's, the rest Yen's.

    Without `targets`, only the `k_pairs` likeliest pairs (None: all) get k paths; the others get one.
    """
    graph = analysis.attack_graph.graph
    wanted = list(targets) or default_targets(graph)
    pairs = [(a, d) for a in analysis.attackers for d in wanted if d in analysis.leaks[a.id]]
    # Yen costs a search per path: by default only the likeliest pairs get k paths, the rest Dijkstra's one.
    ranked = sorted(pairs, key=lambda p: (-analysis.leaks[p[0].id][p[1]].probability, p[0].id, p[1]))
    with_k = {(a.id, d) for a, d in (ranked if targets or k_pairs is None else ranked[:k_pairs])}
    out: list[AttackPath] = []
    for attacker, data_id in pairs:
        if k == 1 or (attacker.id, data_id) not in with_k:
            leak = analysis.leaks[attacker.id][data_id]
            out.append(to_attack_path(attacker, data_id, leak.edges, skill_scale(attacker)))
        else:
            out.extend(analysis.attack_graph.k_paths(attacker, data_id, k))
    # An insider's or vendor's own view (one `stand` step) is its legitimate access, not an attack path.
    kinds = {a.id: a.kind for a in analysis.attackers}
    out = [p for p in out if not (kinds[p.attacker] in MISUSING_KINDS and len(p.steps) == 1 and p.steps[0].source
                                  == "entry" and p.probability == 1.0)]
    bounded = analysis.attack_graph.bounded
    if bounded:
        note = (
            f"attack paths: the search for k paths stopped at {MAX_SPUR_SEARCHES:,} spur searches for "
            f"{len(bounded):,} attacker/data pairs (fewer than k paths may be shown; docs/attack-paths.md)"
        )
        if note not in analysis.notes:
            analysis.notes.append(note)
    return out


__all__ = [
    "CHAIN_RULE",
    "EXPOSURE_RULE",
    "MAX_CHAINS",
    "MAX_CHAIN_STEPS",
    "AttackAnalysis",
    "analyze_attacks",
    "attack_paths",
    "authorized",
    "exposure_findings",
    "theft_chains",
]
