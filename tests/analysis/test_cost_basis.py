"""A plan item's cost basis is arithmetic an auditor can redo: read back, it gives the item's person-days."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from biotm.analysis.candidates import cost_basis, cost_of
from biotm.graph import build_graph
from biotm.model.controls import CONTROLS
from biotm.model.loader import load_model

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))

_PART = re.compile(
    r"(?:(?P<control>[a-z-]+): )?(?P<fixed>[\d.]+) days?(?: at each of (?P<each>\d+) places)?"
    r"(?P<terms>(?: \+ [^+;]+?)*)(?:, once for the \d+ places)?"
)
_TERM = re.compile(r"(?P<rate>[\d.]+) (?P<unit>per [a-z ]+) x (?P<quantity>.+)")
_QUANTITY = re.compile(r"(?P<short>[\d.,]+)(?P<name>M| thousand)?(?: \((?P<exact>[\d,]+)(?: users)?\))?")
_UNIT_SIZE = {"M": 1_000_000, " thousand": 1_000, None: 1}


def redo(basis: str) -> float:
    """The person-days `basis` says, computed from its words alone."""
    total = 0.0
    for part in basis.split("; "):
        match = _PART.fullmatch(part)
        assert match, f"unreadable cost basis part {part!r}"
        days = float(match["fixed"]) * int(match["each"] or 1)
        for written in match["terms"].split(" + ")[1:]:
            term = _TERM.fullmatch(written)
            assert term, f"unreadable term {written!r} in {basis!r}"
            quantity = _QUANTITY.fullmatch(term["quantity"])
            assert quantity, f"unreadable quantity {term['quantity']!r} in {basis!r}"
            unit = _UNIT_SIZE[quantity["name"]]
            if quantity["exact"]:
                amount = int(quantity["exact"].replace(",", "")) / unit
            else:
                amount = float(quantity["short"].replace(",", ""))
            days += float(term["rate"]) * amount
        total += days
    return total


def test_redo_reads_the_units_of_each_rate() -> None:
    assert redo("3 days + 0.05 per thousand users x 150 thousand") == pytest.approx(10.5)
    assert redo("3 days + 0.05 per thousand users x 0.025 thousand (25 users)") == pytest.approx(3.00125)
    assert redo("1 day") == 1
    assert redo("5 days + 0.1 per flow touched x 9, once for the 3 places") == pytest.approx(5.9)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_cost_basis_redoes_its_days(path: Path) -> None:
    graph = build_graph(load_model(str(path)))
    places = sorted(graph.elements) + sorted(graph.flows)
    checked = 0
    for control in sorted(CONTROLS):
        for place in places:
            placed = [(place, control)]
            assert redo(cost_basis(graph, placed, {})) == pytest.approx(cost_of(graph, placed, {})), (place, control)
            checked += 1
        several = [(place, control) for place in places[:3]]
        assert redo(cost_basis(graph, several, {})) == pytest.approx(cost_of(graph, several, {})), control
    mixed = [(places[0], "mfa"), (places[-1], "dpia")]
    assert redo(cost_basis(graph, mixed, {})) == pytest.approx(cost_of(graph, mixed, {}))
    assert checked == len(CONTROLS) * len(places)


def test_a_user_count_is_written_in_thousands_as_its_rate_is() -> None:
    graph = build_graph(load_model(str(Path(__file__).resolve().parents[2] / "scenarios/airport-egates.yaml")))
    basis = cost_basis(graph, [("gate_log", "mfa")], {})
    # 25 border officers: the rate is per thousand users, so 'x 25' would read as 25 thousand (4.25 days, not 3.00125)
    assert basis == "3 days + 0.05 per thousand users x 0.025 thousand (25 users)"
