"""Hardened variants are the same system with controls added and data reduced, never a different system."""

from __future__ import annotations

import pytest
from scenario_support import SCENARIOS

from biotm.model.loader import load_model
from biotm.model.schema import Model

HARDENED = sorted(p.name for p in SCENARIOS.glob("*-hardened.yaml"))


def pair(hardened: str) -> tuple[Model, Model]:
    original = hardened.replace("-hardened.yaml", ".yaml")
    return load_model(str(SCENARIOS / original)).model, load_model(str(SCENARIOS / hardened)).model


def test_at_least_three_scenarios_have_hardened_variants() -> None:
    assert {"china-sim-registration-hardened.yaml", "bank-remote-ekyc-hardened.yaml"} <= set(HARDENED)
    assert len(HARDENED) >= 3


@pytest.mark.parametrize("hardened", HARDENED)
def test_hardened_keeps_the_system_and_only_adds_controls(hardened: str) -> None:
    original, strong = pair(hardened)
    assert [e.id for e in strong.elements] == [e.id for e in original.elements]
    assert [f.id for f in strong.flows] == [f.id for f in original.flows]
    assert [z.model_dump() for z in strong.zones] == [z.model_dump() for z in original.zones]
    before = {e.id: set(e.controls) for e in original.elements} | {f.id: set(f.controls) for f in original.flows}
    after = {e.id: set(e.controls) for e in strong.elements} | {f.id: set(f.controls) for f in strong.flows}
    assert {place: sorted(before[place] - after[place]) for place in before if before[place] - after[place]} == {}
    assert sum(len(c) for c in after.values()) > sum(len(c) for c in before.values())


@pytest.mark.parametrize("hardened", HARDENED)
def test_hardened_flows_carry_no_more_data_than_the_original(hardened: str) -> None:
    original, strong = pair(hardened)
    before = {f.id: set(f.data) for f in original.flows}
    assert {f.id: sorted(set(f.data) - before[f.id]) for f in strong.flows if set(f.data) - before[f.id]} == {}
