"""Credentials and grants that open places: a stolen login is an entry, so is a granted network session.

After the first solve, every login credential an attacker holds (bought, phished, leaked, read from a
store, or granted by a verification) becomes a `login` start edge to each element that lists it under
`logins`, and a verification that grants an element or zone id becomes a `granted` start edge there.
The attacker's leaks and chains are then computed again from the wider start, at most
`MAX_ENTRY_ROUNDS` times (a credential that only a credential opens needs a second round).
"""

from __future__ import annotations

from collections.abc import Iterator

from biotm.analysis.attackers import MISUSING_KINDS, zone_members
from biotm.analysis.chains import ChainSolver, Origin
from biotm.analysis.paths import START, AttackGraph, Edge, Leak, skill_scale
from biotm.graph import SystemGraph
from biotm.model.schema import Attacker, ElementType

#: Rounds of "solve, widen the start, leak again" per attacker; each round follows one more login or grant.
MAX_ENTRY_ROUNDS = 3


def logins(graph: SystemGraph) -> dict[str, list[str]]:
    """Credential data id -> the elements it logs into, in model order."""
    out: dict[str, list[str]] = {}
    for element in graph.model.elements:
        for credential in element.logins:
            out.setdefault(credential, []).append(element.id)
    return out


def opening_grants(graph: SystemGraph) -> bool:
    """Does any verification grant an element or a zone (a session that lets its holder in)?"""
    return any(
        grant in graph.elements or grant in graph.zones
        for element in graph.model.elements
        for verification in element.verifies
        for grant in verification.grants
    )


def widen(
    graph: SystemGraph,
    attack_graph: AttackGraph,
    solver: ChainSolver,
    attackers: list[Attacker],
    leaks: dict[str, dict[str, Leak]],
) -> None:
    """Re-leak, in place, every attacker whose credentials or grants open more of the model."""
    opens = logins(graph)
    if not opens and not opening_grants(graph):
        return
    for attacker in attackers:
        for _ in range(MAX_ENTRY_ROUNDS):
            known, _satisfied = solver.solve(attacker, leaks[attacker.id])
            more = list(_entries(graph, attack_graph, attacker, known, opens))
            if not attack_graph.enter_also(attacker, more):
                break
            leaks[attacker.id] = attack_graph.leaks(attacker)


def _entries(
    graph: SystemGraph,
    attack_graph: AttackGraph,
    attacker: Attacker,
    known: dict[str, Origin],
    opens: dict[str, list[str]],
) -> Iterator[Edge]:
    scale = skill_scale(attacker)
    for term in sorted(known):
        origin = known[term]
        if origin.probability <= 0.0 or _own_access(attacker, origin):
            continue
        # Start edges are priced before skill; the origin's likelihood already has it.
        carried = origin.probability ** (1.0 / scale)
        how = _how(origin)
        scope = origin.leak.subjects if origin.leak is not None else None
        for element_id in opens.get(term, ()):
            edge = attack_graph.edge(START, element_id, "login", term, note=f"'{term}' {how}")
            yield edge._replace(probability=edge.probability * carried, scope=scope)
        if origin.kind != "verify":
            continue
        if term in graph.elements and graph.elements[term].type is not ElementType.ACTOR:
            yield attack_graph.edge(START, term, "granted", term, note=how)._replace(probability=carried)
        elif term in graph.zones:
            for element_id in zone_members(graph, {term}):
                if graph.elements[element_id].type is ElementType.ACTOR:
                    continue
                edge = attack_graph.edge(START, element_id, "zone-reach", "entry", note=f"inside '{term}', {how}")
                yield edge._replace(probability=edge.probability * carried)


def _own_access(attacker: Attacker, origin: Origin) -> bool:
    """An insider's own login is its legitimate access, already priced by its abuse steps."""
    if attacker.kind not in MISUSING_KINDS or origin.leak is None:
        return False
    return all(e.kind in ("stand", "misuse") for e in origin.leak.edges)


def _how(origin: Origin) -> str:
    if origin.kind == "leak" and origin.leak is not None:
        route = " -> ".join(["entry", *(e.target.removeprefix("flow:") for e in origin.leak.edges)])
        return f"obtained via {route}, p={origin.probability:.3g}"
    if origin.kind == "verify":
        return f"granted by {origin.element} ({origin.verification.action if origin.verification else ''}), " \
            f"p={origin.probability:.3g}"
    return "held from the start"
