"""The reference the chain solver's capture-point ranking must equal: every capture point priced."""

from __future__ import annotations

from biotm.analysis.chains import ChainSolver


def best_by_pricing_every_point(solver: ChainSolver, verifier_id: str) -> tuple[float, str, str, list[str]]:
    """The best capture point (factor, point id, text, weak controls) by pricing every point the search finds."""
    verifier = solver.graph.elements[verifier_id]
    factor, text, weak, point = min(
        ((*solver._capture_factor(p, verifier), p.id) for p in solver.capture_points(verifier)),
        key=lambda r: (-r[0], r[3]),
    )
    return factor, point, text, weak
