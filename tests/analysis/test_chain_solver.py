"""The chain solver's shortcuts give exactly what the straightforward computations give.

Shortcuts under test: capture points ranked by class from a memoised upstream summary (instead of
pricing every point found by a breadth-first search), passes that re-evaluate only verifications whose
terms changed (instead of all of them), and the re-solve of only the verifications that can reach a
chain's last one (instead of all of them) when broken_by tries a control.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from capture_support import best_by_pricing_every_point
from hypothesis import given, settings
from strategies import load_dict, models
from support import SCENARIO, fixture

import biotm.analysis.capture as capture
from biotm.analysis.attackers import attackers_for
from biotm.analysis.chains import LIVE_CONTROLS, ChainSolver, Origin, Satisfied, verified
from biotm.analysis.numbers import Numbers
from biotm.analysis.paths import AttackGraph, Leak, skill_scale
from biotm.graph import SystemGraph, build_graph
from biotm.model.loader import LoadedModel, load_model
from biotm.model.schema import Attacker

SCENARIOS = sorted(SCENARIO.parent.glob("*.yaml"))


def _graph(loaded: LoadedModel) -> tuple[SystemGraph, Numbers, AttackGraph]:
    graph = build_graph(loaded)
    numbers = Numbers.of(graph.model.settings)
    return graph, numbers, AttackGraph(graph, numbers)


def _extras(graph: SystemGraph) -> list[dict[str, set[str]]]:
    """No extra control, each liveness control at each element, and PAD + IAD together at each element."""
    out: list[dict[str, set[str]]] = [{}]
    for element_id in sorted(graph.elements):
        out.extend({element_id: {control}} for control in LIVE_CONTROLS)
        out.append({element_id: set(LIVE_CONTROLS[:2])})
    return out


def _check_capture(loaded: LoadedModel) -> None:
    graph, numbers, _ = _graph(loaded)
    plain = ChainSolver(graph, numbers)
    verifiers = sorted(e.id for e in graph.model.elements if e.verifies)
    for extra in _extras(graph):
        solver = plain.sharing(extra)
        for verifier_id in verifiers:
            expected = best_by_pricing_every_point(solver, verifier_id)
            assert solver.best_capture(graph.elements[verifier_id]) == expected, (verifier_id, extra)


def _naive_solve(
    solver: ChainSolver, attacker: Attacker, leaks: dict[str, Leak]
) -> tuple[dict[str, Origin], list[Satisfied]]:
    """The fixed point evaluating every verification in every pass."""
    known = solver.initial(attacker, leaks)
    checks = solver.shared.checks
    best: dict[tuple[str, str], Satisfied] = {}
    floor = solver.numbers.step["min-probability"]
    scale = skill_scale(attacker)
    for _ in range(len(checks) + 1):
        changed = False
        for i, check in enumerate(checks):
            element, verification = check.element, check.verification
            result, factor, present, missing = solver.evaluate(i, known, scale)
            probability = result.probability * factor**scale
            key = (element.id, verification.id)
            if probability < floor or (key in best and best[key].origin.probability >= probability):
                continue
            origin = verified(check, result, probability, present, missing)
            best[key] = Satisfied(element.id, verification, origin)
            for grant in sorted(verification.grants):
                if grant not in known or known[grant].probability < probability - 1e-12:
                    known[grant] = replace(origin, term=grant)
                    changed = True
        if not changed:
            break
    return known, [best[k] for k in sorted(best)]


def _check_solve(loaded: LoadedModel) -> int:
    """Full, naive and per-target solves agree for every attacker, with and without each weak control."""
    graph, numbers, attack_graph = _graph(loaded)
    plain = ChainSolver(graph, numbers)
    compared = 0
    for attacker in attackers_for(graph):
        leaks = attack_graph.leaks(attacker)
        known, satisfied = plain.solve(attacker, leaks)
        assert (known, satisfied) == _naive_solve(plain, attacker, leaks)
        weak = sorted({w for s in satisfied for w in s.origin.weak})
        for candidate in weak[:6]:
            place, control = candidate.split(":", 1)
            solver = plain.sharing({place: {control}})
            full_known, full = solver.solve(attacker, leaks)
            assert (full_known, full) == _naive_solve(solver, attacker, leaks)
            for check in solver.shared.checks:
                key = (check.element.id, check.verification.id)
                _, only = solver.sharing({place: {control}}).solve(attacker, leaks, target=key)
                expected = [s for s in full if (s.element, s.verification.id) == key]
                assert [s for s in only if (s.element, s.verification.id) == key] == expected
                compared += 1
    return compared


@pytest.mark.parametrize("kept", [1, 3])
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_best_capture_matches_pricing_every_point(path: Any, kept: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capture, "_KEPT", kept)  # 1 forces the fallback whenever the kept point has a control
    _check_capture(load_model(str(path)))


@pytest.mark.parametrize("kept", [1, 3])
@settings(max_examples=40, deadline=None)
@given(models(max_elements=6, max_flows=8, max_data=4))
def test_best_capture_matches_pricing_every_point_on_random_models(kept: int, model: dict[str, Any]) -> None:
    previous, capture._KEPT = capture._KEPT, kept
    try:
        _check_capture(load_dict(model))
    finally:
        capture._KEPT = previous


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_incremental_and_per_target_solves_match_the_full_fixed_point(path: Any) -> None:
    _check_solve(load_model(str(path)))


def test_the_fixture_compares_per_target_solves() -> None:
    assert _check_solve(fixture()) > 0  # the comparison above is not vacuous


@settings(max_examples=40, deadline=None)
@given(models(max_elements=6, max_flows=8, max_data=4))
def test_incremental_and_per_target_solves_match_on_random_models(model: dict[str, Any]) -> None:
    _check_solve(load_dict(model))
