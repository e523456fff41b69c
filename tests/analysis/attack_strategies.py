"""Hypothesis strategies for the attack-analysis properties, built on the shared model strategy."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from strategies import models

from biotm.model.controls import CONTROLS


@st.composite
def model_and_control(draw: st.DrawFn) -> tuple[dict[str, Any], str, str]:
    """A model and one control that may go at one of its elements or flows."""
    model = draw(models(max_elements=5, max_flows=6, max_data=4))
    places = [("element", e["id"]) for e in model["elements"]] + [("flow", f["id"]) for f in model.get("flows", [])]
    kind, place = draw(st.sampled_from(places))
    control = draw(st.sampled_from(sorted(c.id for c in CONTROLS.values() if c.applies_to in (kind, "both"))))
    return model, place, control


@st.composite
def model_and_flow(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A model with at least two elements and one more flow to add to it."""
    model = draw(models(max_elements=5, max_flows=6, max_data=4).filter(lambda m: len(m["elements"]) > 1))
    ids = [e["id"] for e in model["elements"]]
    source, target = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
    data = [d["id"] for d in model.get("data", [])]
    flow = {
        "id": "added-flow-x",
        "source": source,
        "target": target,
        "data": draw(st.lists(st.sampled_from(data), max_size=3, unique=True)) if data else [],
    }
    return model, flow
