"""Which of a rule's controls a finding proposes: the ones that go where the finding's controls count.

A rule declares its mitigating controls once; a finding lists those that fit one of its control places
(`candidates.fits`, the planner's predicate), so an identity kit sent over HTTPS is not told to encrypt
at rest, nor a terminal that keeps nothing. Agreements are the exception: `fits` declines them where the
model records agreements per pair of organisations (the planner cannot add one), but a finding still names
the agreement it lacks.
"""

from __future__ import annotations

from biotm.analysis.candidates import AGREEMENT_CONTROLS, fits
from biotm.graph import SystemGraph
from biotm.model.controls import CONTROLS

#: Controls that protect data where it rests: they fit an element only if something rests there.
AT_REST_CONTROLS = frozenset({"encryption-at-rest"})

ControlPlace = tuple[str, str]


class Proposals:
    """Per audit: a rule's controls that fit a finding's control places, each control at each place decided once
    (rules share controls and places, while whole lists of places rarely repeat on a model of distinct places)."""

    def __init__(self, graph: SystemGraph) -> None:
        self.graph = graph
        self._fit: dict[tuple[str, str], bool] = {}

    def fitting(self, controls: tuple[str, ...], places: tuple[ControlPlace, ...]) -> tuple[str, ...]:
        """The controls among `controls` (in order) that fit one of `places`; all of them if no place is named."""
        if not places:
            return controls
        memo, graph = self._fit, self.graph
        out = []
        for control in controls:
            for _, place in places:
                fit = memo.get((control, place))
                if fit is None:
                    fit = memo[control, place] = _fits(graph, control, place)
                if fit:
                    out.append(control)
                    break
        return controls if len(out) == len(controls) else tuple(out)


def fitting(graph: SystemGraph, controls: tuple[str, ...], places: tuple[ControlPlace, ...]) -> tuple[str, ...]:
    """`Proposals.fitting` without the memo: the controls that fit one of `places` (all if none is named)."""
    if not places:
        return controls
    return tuple(c for c in controls if any(_fits(graph, c, p) for _, p in places))


def _fits(graph: SystemGraph, control: str, place: str) -> bool:
    if control in AGREEMENT_CONTROLS:
        kind = "flow" if place in graph.flows else "element"
        return CONTROLS[control].applies_to in (kind, "both")
    if not fits(graph, place, control):
        return False
    return control not in AT_REST_CONTROLS or place not in graph.elements or bool(graph.at_rest.get(place))


__all__ = ["AT_REST_CONTROLS", "Proposals", "fitting"]
