"""What breaks an identity-theft chain: the controls (alone, or two at one place) whose addition drops it
below the floor, each tried by re-solving only the verifications that can reach the chain's own."""

from __future__ import annotations

from itertools import combinations

from biotm.analysis.candidates import fits
from biotm.analysis.chains import ChainSolver, Origin, Satisfied
from biotm.analysis.paths import Leak, skill_scale
from biotm.model.schema import Attacker

#: Controls tried per chain (the final verification's own first), and pairs of them at one place.
MAX_BROKEN_BY_CANDIDATES = 24
MAX_PAIR_CANDIDATES = 12


class _OverBudget(Exception):
    """broken_by's search passed the work bound."""


def broken_by(
    solver: ChainSolver,
    attacker: Attacker,
    leaks: dict[str, Leak],
    item: Satisfied,
    floor: float,
    solved: tuple[dict[str, Origin], list[Satisfied]],
    stop_at: int | None = None,
) -> list[str] | None:
    """'PLACE:CONTROL' (or 'A+B' for a pair at one place) whose addition drops the chain below the floor;
    None once the solver's work passes `stop_at` (a half-searched list would claim too little breaks it).

    The chain is one way to pass its final verification; a control that cuts it leaves the other ways,
    which are chains of their own.

    Only controls the chain's verifier steps lack are tried (the leak steps' controls change attack
    paths, which the mitigation planner measures by re-running the whole audit).
    """
    known, satisfied = solved
    behind = _behind(known, item.origin)
    candidates: set[str] = set(item.origin.weak)
    for other in satisfied:
        if other is not item and (other.element, id(other.verification)) in behind:
            candidates.update(other.origin.weak)
    # The final verification's own weak controls first, then those behind it; at most MAX_BROKEN_BY_CANDIDATES.
    own = sorted(item.origin.weak)
    # Only controls that make sense where they would go: no SIM-change notice at a door reader (candidates.fits).
    candidates = {c for c in candidates if fits(solver.graph, *c.split(":", 1))}
    own = [c for c in own if c in candidates]
    ordered = (own + sorted(candidates - set(own)))[:MAX_BROKEN_BY_CANDIDATES]
    ordered.sort()

    index = solver.shared.index[(item.element, item.verification.id)]
    scale = skill_scale(attacker)

    def survives(extra: dict[str, set[str]]) -> bool:
        if stop_at is not None and solver.shared.work >= stop_at:
            raise _OverBudget
        # Only the verifications that can reach this one are solved again: its outcome is the full solve's.
        changed = solver.sharing(extra)
        known_after, _ = changed.solve(attacker, leaks, target=(item.element, item.verification.id))
        return changed.way_probability(index, item.way, known_after, scale) >= floor

    out = []
    try:
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
    except _OverBudget:
        return None
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
