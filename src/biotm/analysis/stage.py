"""The attack stage of the audit: attack paths, exposure findings, identity-theft chains and their findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from biotm.analysis.attackers import attackers_for
from biotm.analysis.chains import ChainSolver, Origin, Satisfied, chain_steps
from biotm.analysis.numbers import Numbers
from biotm.analysis.paths import AttackGraph, Leak, PlaceControls, default_targets, skill_scale, to_attack_path
from biotm.graph import SystemGraph
from biotm.model.schema import IRREVERSIBLE_PROTECTION, Attacker, DataCategory
from biotm.result import SEVERITIES, AttackPath, Factor, Finding, TheftChain, finding_id
from biotm.scoring import chain_factors, chain_severity, path_factors, severity, summed

EXPOSURE_RULE = "atk-exposure"
CHAIN_RULE = "idt-chain"
EXPOSURE_IMPACT = {
    DataCategory.BIOMETRIC_SAMPLE: 0.8,
    DataCategory.BIOMETRIC_TEMPLATE: 0.6,
    DataCategory.DOCUMENT_IMAGE: 0.6,
}
#: A chain is reported once per distinct sequence of verifiers; at most this many pairs are tried for broken_by.
MAX_PAIR_CANDIDATES = 12
#: Without --target, the (attacker, data) pairs (likeliest first) that get k paths rather than one.
MAX_DEFAULT_K_PAIRS = 10
#: Chains (likeliest first) for which broken_by is computed.
MAX_BROKEN_BY_CHAINS = 40


@dataclass
class AttackAnalysis:
    """Everything the attack stage found, before it is written into an AuditResult."""

    attackers: list[Attacker]
    attack_graph: AttackGraph
    leaks: dict[str, dict[str, Leak]]
    findings: list[Finding] = field(default_factory=list)
    chains: list[TheftChain] = field(default_factory=list)


def analyze_attacks(graph: SystemGraph, only: tuple[str, ...] = ()) -> AttackAnalysis:
    """Leaks per attacker, exposure findings and theft chains (with their findings) for one graph."""
    numbers = Numbers.of(graph.model.settings)
    attackers = attackers_for(graph, only)
    attack_graph = AttackGraph(graph, numbers)
    leaks = {a.id: attack_graph.leaks(a) for a in attackers}
    analysis = AttackAnalysis(attackers, attack_graph, leaks)
    analysis.findings.extend(exposure_findings(graph, attackers, leaks, attack_graph))
    chains, chain_findings = theft_chains(graph, numbers, attackers, leaks, attack_graph.controls)
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
        base = EXPOSURE_IMPACT[item.category]
        if item.category is DataCategory.BIOMETRIC_TEMPLATE and item.protection in IRREVERSIBLE_PROTECTION:
            base = 0.3
        impact_factors = [Factor(reason=f"{item.category.value} '{item.id}'", effect=base)]
        if not item.is_revocable:
            impact_factors.append(Factor(reason="cannot be reset after a leak", effect=0.1))
        if item.subjects >= 10_000:
            impact_factors.append(Factor(reason=f"{item.subjects:,} data subjects", effect=0.1))
        impact, impact_factors = summed(impact_factors)
        scale = skill_scale(next(a for a in attackers if a.id == attacker_id))
        likelihood, likelihood_factors = path_factors(
            [(f"{e.target.removeprefix('flow:')}: {e.reason()}", e.probability**scale) for e in best.edges]
        )
        route = " -> ".join(["entry", *(e.target.removeprefix("flow:") for e in best.edges)])
        others = "; ".join(f"{a} ({p:.3g})" for p, a in reached[1:4])
        evidence = f"{attacker_id} obtains '{item.id}' at {best.node.removeprefix('flow:')} via {route}"
        if others:
            evidence += f"; also reachable by {others}"
        missing = sorted({m.split(":", 1)[1] for e in best.edges for m in e.missing})
        out.append(
            _finding(
                EXPOSURE_RULE,
                f"Attackers can obtain {item.category.value.replace('_', ' ')} '{item.id}'",
                likelihood,
                likelihood_factors,
                impact,
                impact_factors,
                "data",
                [item.id],
                [item.id],
                item.subjects,
                ["STRIDE:Information disclosure", "LINDDUN:Data disclosure", "BIO:exposure"],
                missing,
                evidence,
                graph,
            )
        )
    return out


def _finding(
    rule: str,
    title: str,
    likelihood: float,
    likelihood_factors: list[Factor],
    impact: float,
    impact_factors: list[Factor],
    place_kind: str,
    places: list[str],
    data: list[str],
    subjects: int,
    categories: list[str],
    mitigations: list[str],
    evidence: str,
    graph: SystemGraph,
) -> Finding:
    likelihood = round(min(1.0, max(0.0, likelihood)), 6)
    impact = round(min(1.0, max(0.0, impact)), 6)
    risk = round(likelihood * impact, 6)
    kind = "data" if place_kind == "data" else "element"
    return Finding(
        id=finding_id(rule, places),
        rule=rule,
        title=title,
        severity=chain_severity(likelihood, impact) if rule == CHAIN_RULE else severity(
            likelihood, impact, may_be_critical=False
        ),
        likelihood=likelihood,
        impact=impact,
        risk=risk,
        likelihood_factors=likelihood_factors,
        impact_factors=impact_factors,
        place_kind="data" if place_kind == "data" else "element",
        places=places,
        data=data,
        subjects=subjects,
        categories=categories,
        mitigations=mitigations,
        regulations=[],
        evidence=evidence,
        location=graph.location(kind, places[0]),
    )


# -- theft chains ----------------------------------------------------------------------------------
def theft_chains(
    graph: SystemGraph,
    numbers: Numbers,
    attackers: list[Attacker],
    leaks: dict[str, dict[str, Leak]],
    controls: PlaceControls | None = None,
) -> tuple[list[TheftChain], list[Finding]]:
    """Chains ending in a high-assurance verification, each with the controls that would break it."""
    solver = ChainSolver(graph, numbers, controls=controls)
    floor = numbers.step["min-chain-likelihood"]
    drafts: list[tuple[Attacker, Satisfied, dict[str, Origin], list[Satisfied]]] = []
    for attacker in attackers:
        known, satisfied = solver.solve(attacker, leaks[attacker.id])
        for item in satisfied:
            if item.verification.high_assurance and item.origin.probability >= floor:
                drafts.append((attacker, item, known, satisfied))
    # broken_by re-solves the chain once per candidate control: only the likeliest chains get it, so
    # the stage stays near-linear on national-scale models (the rest report their weak controls).
    ranked = sorted(drafts, key=lambda d: (-d[1].origin.probability, d[0].id, d[1].element, d[1].verification.id))
    explained = {(d[0].id, d[1].element, d[1].verification.id) for d in ranked[:MAX_BROKEN_BY_CHAINS]}
    groups: dict[tuple[str, ...], list[TheftChain]] = {}
    for attacker, item, known, satisfied in drafts:
        steps = chain_steps(known, item.origin)
        places = tuple(dict.fromkeys(s.verifier for s in steps if s.verifier != "leak"))
        data_used = sorted({g for s in steps if s.verifier == "leak" for g in s.grants if g in graph.data})
        subjects = min((graph.data[d].subjects for d in data_used), default=1)
        broken = []
        if (attacker.id, item.element, item.verification.id) in explained:
            broken = broken_by(solver, attacker, leaks[attacker.id], item, floor, (known, satisfied))
        chain = TheftChain(
            id=finding_id("chain", [attacker.id, item.element, item.verification.id]),
            attacker=attacker.id,
            goal=", ".join(sorted(item.verification.grants)),
            likelihood=round(item.origin.probability, 6),
            subjects=subjects,
            severity="info",
            steps=steps,
            finding=finding_id(CHAIN_RULE, list(places)),
            broken_by=broken,
        )
        groups.setdefault(places, []).append(chain)
    chains: list[TheftChain] = []
    findings: list[Finding] = []
    for places, group in sorted(groups.items()):
        finding = _chain_finding(graph, list(places), group)
        findings.append(finding)
        chains.extend(c.model_copy(update={"severity": finding.severity}) for c in group)
    chains.sort(key=lambda c: (SEVERITIES.index(c.severity), -c.likelihood, c.id))
    return chains, findings


def _chain_finding(graph: SystemGraph, places: list[str], group: list[TheftChain]) -> Finding:
    group = sorted(group, key=lambda c: (-c.likelihood, c.attacker, c.id))
    lead = group[0]
    data_used = sorted({g for s in lead.steps if s.verifier == "leak" for g in s.grants if g in graph.data})
    impact_factors = [Factor(reason=f"grants '{lead.goal}' (identity, money or account control)", effect=0.8)]
    if any(not graph.data[d].is_revocable for d in data_used):
        impact_factors.append(Factor(reason="relies on data the victim cannot reset", effect=0.1))
    if lead.subjects >= 1_000_000:
        impact_factors.append(Factor(reason=f"{lead.subjects:,} people exposed", effect=0.1))
    impact, impact_factors = summed(impact_factors)
    likelihood, likelihood_factors = chain_factors(
        [(f"{s.action}: {s.evidence}" if s.evidence else s.action, s.likelihood) for s in lead.steps]
    )
    route = " -> ".join(f"{s.action} ({s.likelihood:.3g})" for s in lead.steps)
    evidence = f"{lead.attacker}: {route}"
    if lead.broken_by:
        evidence += f"; broken by {' or '.join(lead.broken_by)}"
    # Attackers who hold the same data and reach the same verifiers share this one finding, each named once.
    others = list(dict.fromkeys(c.attacker for c in group[1:] if c.attacker != lead.attacker))
    if others:
        best = {a: max(c.likelihood for c in group if c.attacker == a) for a in others}
        evidence += "; also: " + ", ".join(f"{a} ({best[a]:.3g})" for a in others)
    mitigations = sorted({part.split(":", 1)[1] for b in lead.broken_by for part in b.split("+")})
    if not mitigations:
        mitigations = sorted({w.split(":", 1)[1] for s in lead.steps if s.verifier != "leak" for w in s.weak_controls})
    final = lead.steps[-1]
    return _finding(
        CHAIN_RULE,
        f"Identity theft: {final.action}",
        likelihood,
        likelihood_factors,
        impact,
        impact_factors,
        "element",
        places,
        data_used,
        lead.subjects,
        ["STRIDE:Spoofing", "LINDDUN:Identifying", "BIO:identity-theft"],
        mitigations,
        evidence,
        graph,
    )


def broken_by(
    solver: ChainSolver,
    attacker: Attacker,
    leaks: dict[str, Leak],
    item: Satisfied,
    floor: float,
    solved: tuple[dict[str, Origin], list[Satisfied]],
) -> list[str]:
    """'PLACE:CONTROL' (or 'A+B' for a pair at one place) whose addition drops the chain below the floor.

    Only controls the chain's verifier steps lack are tried (the leak steps' controls change attack
    paths, which the mitigation planner measures by re-running the whole audit).
    """
    known, satisfied = solved
    behind = _behind(known, item.origin)
    candidates: set[str] = set(item.origin.weak)
    for other in satisfied:
        if other is not item and (other.element, id(other.verification)) in behind:
            candidates.update(other.origin.weak)
    ordered = sorted(candidates)

    def survives(extra: dict[str, set[str]]) -> bool:
        # Only the verifications that can reach this one are solved again: its outcome is the full solve's.
        _, after = solver.sharing(extra).solve(attacker, leaks, target=(item.element, item.verification.id))
        return any(
            s.element == item.element and s.verification.id == item.verification.id and s.origin.probability >= floor
            for s in after
        )

    out = []
    for candidate in ordered:
        place, control = candidate.split(":", 1)
        if not survives({place: {control}}):
            out.append(candidate)
    # Pairs at one place (presentation + injection detection on a terminal) that break it together.
    pool = [c for c in ordered if c not in out][:MAX_PAIR_CANDIDATES]
    for first, second in combinations(pool, 2):
        place, control_a = first.split(":", 1)
        place_b, control_b = second.split(":", 1)
        if place == place_b and not survives({place: {control_a, control_b}}):
            out.append(f"{first}+{second}")
    return out


def _behind(known: dict[str, Origin], final: Origin) -> set[tuple[str | None, int]]:
    """(verifier, id of the verification) of every verification behind `final`."""
    found: set[tuple[str | None, int]] = set()
    stack = list(final.depends)
    seen: set[str] = set()
    while stack:
        term = stack.pop()
        if term in seen or term not in known:
            continue
        seen.add(term)
        origin = known[term]
        found.add((origin.element, id(origin.verification)))
        stack.extend(origin.depends)
    return found
