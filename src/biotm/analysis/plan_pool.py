"""The candidates a mitigation plan tries (`collect`): the mitigations open findings name at their places, the
controls that break theft chains, the controls missing on attack paths to exposed data, and a minimum cut."""

from __future__ import annotations

from biotm.analysis.candidates import Candidate, Kind, Placed, fits, group_obligations, proposed_as
from biotm.analysis.risk import CHAIN_RULE, OPEN
from biotm.analysis.stage import EXPOSURE_RULE, AttackAnalysis, authorized
from biotm.graph import SystemGraph
from biotm.model.controls import SECOND_FACTOR
from biotm.result import AuditResult

__all__ = ["collect", "present_controls"]


def present_controls(graph: SystemGraph) -> dict[str, set[str]]:
    """Controls already at every element and flow id (a flow's `encrypted` and `authentication` count)."""
    from biotm.analysis.paths import controls_of_flow

    out = {e.id: set(e.controls) for e in graph.model.elements}
    out.update({f.id: controls_of_flow(f) for f in graph.model.flows})
    for controls in out.values():
        if controls & SECOND_FACTOR:
            controls |= SECOND_FACTOR  # one control to every check
    return out


def collect(graph: SystemGraph, result: AuditResult, analysis: AttackAnalysis | None) -> list[Candidate]:
    """Every candidate worth trying, deduplicated, in a fixed order."""
    found: dict[tuple[Placed, ...], tuple[str, Kind]] = {}
    present = present_controls(graph)
    # What `add` was given before: adding it again changes nothing (the first reason stays), and four in ten of a
    # dense model's 90,000 calls repeat a single control at a place that several findings name.
    tried: set[tuple[tuple[Placed, ...], Kind]] = set()

    def add(controls: tuple[Placed, ...], reason: str, kind: Kind = "single") -> None:
        if (controls, kind) in tried:
            return
        tried.add((controls, kind))
        named = ((place, proposed_as(graph, place, control)) for place, control in controls)
        wanted = {c for c in named if c[1] not in present.get(c[0], set())}
        if not wanted or not all(fits(graph, place, control) for place, control in wanted):
            return
        key = tuple(sorted(wanted))
        found.setdefault(key, (reason, kind if len(key) > 1 or kind == "cut" else "single"))

    for finding in result.findings:
        if finding.status not in OPEN or finding.rule in (EXPOSURE_RULE, CHAIN_RULE):
            continue  # these two carry exact candidates below
        places = [p for p in finding.places if p in graph.elements or p in graph.flows]
        for control in finding.mitigations:
            for place in places:
                add(((place, control),), f"mitigates {finding.rule} at {place}")
    for chain in result.chains:
        for entry in chain.broken_by:
            parts = tuple((p.split(":", 1)[0], p.split(":", 1)[1]) for p in entry.split("+"))
            add(parts, f"breaks {chain.attacker} -> {chain.goal}", "set")
    if analysis is not None:
        # An exposure finding names its items in `data` (an open place lists several).
        exposed = {d for f in result.findings if f.rule == EXPOSURE_RULE and f.status in OPEN for d in f.data}
        for attacker in analysis.attackers:
            allowed = authorized(analysis.attack_graph, attacker)
            for data_id, leak in sorted(analysis.leaks[attacker.id].items()):
                if data_id in exposed and data_id not in allowed:
                    for missing in sorted({m for edge in leak.edges for m in edge.missing}):
                        place, control = missing.split(":", 1)
                        add(((place, control),), f"lowers {attacker.id}'s path to '{data_id}'")
    group_obligations(graph, found)
    if analysis is not None:
        from biotm.analysis.mincut import min_cut  # networkx, only when there is an attack graph

        cut = min_cut(analysis, result, graph.loaded)
        if cut is not None:
            members = tuple(
                sorted({(p, proposed_as(graph, p, c)) for p, c in cut[0] if c not in present.get(p, set())})
            )
            if members in found:
                # One control that every route passes is already a candidate: say that it is the cut.
                found[members] = (cut[1], "cut")
            else:
                add(cut[0], cut[1], "cut")
    return [Candidate(controls, reason, kind) for controls, (reason, kind) in sorted(found.items())]
