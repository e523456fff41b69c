"""Capture points held by the attacker are ranked per class, exactly as pricing every point would.

A clerk insider stands on every shop's clerk, so it holds every operated terminal; a verifier behind the
national comparison service is fed by every terminal of the country. Ranking them one by one made the
theft chains quadratic at national scale (28 s of 73 at 100,000 elements).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from capture_support import best_by_pricing_every_point
from hypothesis import given, settings
from strategies import load_dict, models

import biotm.analysis.capture as capture
from biotm.analysis.chains import LIVE_CONTROLS, ChainSolver
from biotm.analysis.numbers import Numbers
from biotm.generate import national_model
from biotm.graph import build_graph
from biotm.model.loader import LoadedModel, load_model
from biotm.model.schema import Capture

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))


def _check(loaded: LoadedModel) -> int:
    """Compare, for several held sets and extra controls, every verifier's best capture point; count them."""
    graph = build_graph(loaded)
    plain = ChainSolver(graph, Numbers.of(graph.model.settings))
    operated = sorted(p for p in graph.elements if plain.shared.operated(graph.elements[p])
                      and graph.elements[p].capture is not Capture.NONE)
    helds = [frozenset(), frozenset(operated), frozenset(operated[::2]), frozenset(operated[1:2])]
    extras: list[dict[str, set[str]]] = [{}]
    extras += [{p: {c}} for p in operated[:3] for c in LIVE_CONTROLS]
    verifiers = sorted(e.id for e in graph.model.elements if e.verifies)
    compared = 0
    for extra in extras:
        for held in helds:
            solver = plain.sharing(extra)
            solver.held = held
            for verifier_id in verifiers:
                expected = best_by_pricing_every_point(solver, verifier_id)
                assert solver.best_capture(graph.elements[verifier_id]) == expected, (verifier_id, extra, held)
                compared += 1
    return compared


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_held_points_rank_as_pricingbest_by_pricing_every_point(path: Any) -> None:
    _check(load_model(str(path)))


def test_held_points_rank_as_pricing_every_point_at_national_shape() -> None:
    assert _check(load_dict(national_model(600, seed=1))) > 0


@settings(max_examples=40, deadline=None)
@given(models(max_elements=6, max_flows=8, max_data=4))
def test_held_points_rank_as_pricing_every_point_on_random_models(model: dict[str, Any]) -> None:
    _check(load_dict(model))


def _priced(elements: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(capture points feeding a regional verifier, prices computed to rank them) with every point held."""
    graph = build_graph(load_dict(national_model(elements, seed=1)))
    solver = ChainSolver(graph, Numbers.of(graph.model.settings))
    solver.held = frozenset(p for p in graph.elements if graph.elements[p].capture is not Capture.NONE)
    verifier = next(e for e in graph.model.elements if e.verifies and e.id.endswith("_realname"))
    priced = 0
    factor = capture.CapturePricing._factor

    def counting(self: Any, *args: Any) -> float:
        nonlocal priced
        priced += 1
        return factor(self, *args)

    with monkeypatch.context() as patch:
        patch.setattr(capture.CapturePricing, "_factor", counting)
        solver.best_capture(verifier)
    return len(solver.capture_points(verifier)), priced


def test_held_points_are_not_priced_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twice the shops feed a verifier (every terminal of the country); ranking them costs no more."""
    points, priced = _priced(2000, monkeypatch)
    more_points, more_priced = _priced(4000, monkeypatch)
    assert more_points > 1.8 * points > 1000
    assert more_priced <= priced < points / 3
