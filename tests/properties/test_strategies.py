"""The model strategy draws only valid models, and covers the schema's sections."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from strategies import load_dict, model_json, models

from biotm.model import load_bytes


@settings(max_examples=60, deadline=None)
@given(models())
def test_every_drawn_model_loads(model: dict[str, Any]) -> None:
    loaded = load_dict(model)
    assert [e.id for e in loaded.model.elements] == [e["id"] for e in model["elements"]]
    assert len(loaded.model.flows) == len(model.get("flows", []))
    # Every element, flow and data item keeps where it was written.
    for element in model["elements"]:
        location = loaded.location_of("element", element["id"])
        assert location is not None and location.line > 1


@settings(max_examples=20, deadline=None)
@given(model_json())
def test_json_text_loads_too(text: str) -> None:
    loaded = load_bytes(text.encode("utf-8"), "model.json")
    assert loaded.model.meta.name == json.loads(text)["meta"]["name"]
