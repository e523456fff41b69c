"""The attack stage of the audit: attack paths, exposure findings, identity-theft chains and their findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from biotm.analysis.attackers import MISUSING_KINDS, attackers_for
from biotm.analysis.chains import ChainSolver
from biotm.analysis.credentials import widen
from biotm.analysis.factors import CHAIN_RULE, attack_finding, product_factors
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
from biotm.model.schema import IRREVERSIBLE_PROTECTION, Attacker, DataCategory
from biotm.result import AttackPath, Factor, Finding, TheftChain
from biotm.scoring import summed

EXPOSURE_RULE = "atk-exposure"
EXPOSURE_IMPACT = {
    DataCategory.BIOMETRIC_SAMPLE: 0.8,
    DataCategory.BIOMETRIC_TEMPLATE: 0.6,
    DataCategory.DOCUMENT_IMAGE: 0.6,
}
#: Without --target, the (attacker, data) pairs (likeliest first) that get k paths rather than one.
MAX_DEFAULT_K_PAIRS = 10


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


def analyze_attacks(graph: SystemGraph, only: tuple[str, ...] = (), explain: bool = True) -> AttackAnalysis:
    """Leaks per attacker, exposure findings and theft chains (with their findings) for one graph; without
    `explain`, no chain's `broken_by` is searched (it changes no risk)."""
    numbers = Numbers.of(graph.model.settings)
    attackers = attackers_for(graph, only)
    attack_graph = AttackGraph(graph, numbers)
    leaks = {a.id: attack_graph.leaks(a) for a in attackers}
    widen(graph, attack_graph, ChainSolver(graph, numbers, controls=attack_graph.controls), attackers, leaks)
    analysis = AttackAnalysis(attackers, attack_graph, leaks)
    analysis.findings.extend(exposure_findings(graph, attackers, leaks, attack_graph))
    chains, chain_findings = theft_chains(
        graph, numbers, attackers, leaks, attack_graph.controls, analysis.notes, explain
    )
    analysis.chains = chains
    analysis.findings.extend(chain_findings)
    return analysis


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


# -- exposure findings -----------------------------------------------------------------------------
def authorized(attack_graph: AttackGraph, attacker: Attacker) -> set[str]:
    """Data the attacker already sees where it stands (the clerk sees every capture): not a leak to it."""
    return set().union(
        *(attack_graph.obtains.get(t, ()) for t, e in attack_graph.start_edges(attacker).items() if e.kind == "stand")
    )


def exposure_findings(
    graph: SystemGraph, attackers: list[Attacker], leaks: dict[str, dict[str, Leak]], attack_graph: AttackGraph
) -> list[Finding]:
    """One finding per biometric or document-image data item an attacker can obtain beyond its own access.

    Insiders and vendors standing where the data already is are left to the rules on access and
    disclosure; this finding is about data taken by attack steps.
    """
    allowed: dict[str, set[str]] = {}
    by_starts: dict[int, set[str]] = {}  # attackers who enter alike (one set of start edges) see alike
    for attacker in attackers:
        starts = id(attack_graph.start_edges(attacker))
        if starts not in by_starts:
            by_starts[starts] = authorized(attack_graph, attacker)
        allowed[attacker.id] = by_starts[starts]
    out = []
    for item in sorted(graph.model.data, key=lambda d: d.id):
        if item.category not in EXPOSURE_IMPACT or item.public:
            continue
        reached = sorted(
            (
                (leaks[a.id][item.id].probability, a.id)
                for a in attackers
                if item.id in leaks[a.id] and item.id not in allowed[a.id]
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        if not reached:
            continue
        likelihood, attacker_id = reached[0]
        best = leaks[attacker_id][item.id]
        subjects = item.subjects if best.subjects is None else best.subjects
        scale = skill_scale(next(a for a in attackers if a.id == attacker_id))
        base = EXPOSURE_IMPACT[item.category]
        if item.category is DataCategory.BIOMETRIC_TEMPLATE and item.protection in IRREVERSIBLE_PROTECTION:
            base = 0.3
        impact_factors = [Factor(reason=f"{item.category.value} '{item.id}'", effect=base)]
        if not item.is_revocable:
            impact_factors.append(Factor(reason="cannot be reset after a leak", effect=0.1))
        if subjects >= 10_000:
            impact_factors.append(Factor(reason=f"{subjects:,} data subjects", effect=0.1))
        elif best.subjects is not None:
            impact_factors.append(
                Factor(reason=f"one copy of a replicated element: {subjects:,} of {item.subjects:,} people", effect=0.0)
            )
        impact, impact_factors = summed(impact_factors)
        route = " -> ".join(["entry", *(e.target.removeprefix("flow:") for e in best.edges)])
        others = "; ".join(f"{a} ({p:.3g})" for p, a in reached[1:4])
        evidence = f"{attacker_id} obtains '{item.id}' at {best.node.removeprefix('flow:')} via {route}"
        if others:
            evidence += f"; also reachable by {others}"
        missing = sorted({m.split(":", 1)[1] for e in best.edges for m in e.missing})
        out.append(
            attack_finding(
                EXPOSURE_RULE,
                f"Attackers can obtain {item.category.value.replace('_', ' ')} '{item.id}'",
                likelihood,
                product_factors(
                    [
                        (f"{e.target.removeprefix('flow:')}: {e.reason()}" + _skill_note(e.probability, scale),
                         e.probability**scale)
                        for e in best.edges
                    ]
                ),
                impact,
                impact_factors,
                "data",
                [item.id],
                [item.id],
                subjects,
                ["STRIDE:Information disclosure", "LINDDUN:Data disclosure", "BIO:exposure"],
                missing,
                evidence,
                graph,
            )
        )
    return out


def _skill_note(probability: float, scale: float) -> str:
    return "" if scale == 1.0 or probability == 1.0 else f" (step {probability:.3g}, attacker skill: ^{scale:g})"


__all__ = [
    "CHAIN_RULE",
    "EXPOSURE_RULE",
    "MAX_CHAINS",
    "MAX_CHAIN_STEPS",
    "AttackAnalysis",
    "analyze_attacks",
    "attack_paths",
    "exposure_findings",
    "theft_chains",
]
