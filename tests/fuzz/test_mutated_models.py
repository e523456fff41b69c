"""Structure-aware fuzzing: valid models with one part broken must fail as one located line each.

Byte-level fuzzing rarely gets past the YAML parser; these mutations (a wrong type anywhere, a
missing or unknown key, a duplicated record, a dangling reference) reach schema validation, the
error-location mapping and the reference checks.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from fuzz_harness import check_input
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import models, to_json, to_yaml

Path = tuple[str | int, ...]

JUNK: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    10**30,
    "",
    "yes",
    "x" * 300,
    [],
    {},
    [None],
    {"k": 1},
    dt.date(2024, 1, 1),
]


def _paths(value: Any, prefix: Path = ()) -> list[Path]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


def _parent(model: Any, path: Path) -> Any:
    node = model
    for part in path[:-1]:
        node = node[part]
    return node


@st.composite
def broken_models(draw: st.DrawFn) -> dict[str, Any]:
    model = draw(models(max_elements=4, max_flows=4, max_data=3))
    path = draw(st.sampled_from(_paths(model)[1:]))
    parent, last = _parent(model, path), path[-1]
    action = draw(st.sampled_from(["junk", "delete", "unknown-key", "duplicate", "dangle"]))
    if action == "junk":
        parent[last] = draw(st.sampled_from(JUNK))
    elif action == "delete":
        del parent[last]
    elif action == "unknown-key" and isinstance(parent, dict):
        parent[f"{last}x"] = 1
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(parent[last])
    elif isinstance(parent[last], str):
        parent[last] = parent[last] + "q"
    return model


@settings(
    max_examples=int(os.environ.get("BIOTM_MUTATIONS", "150")), deadline=None, suppress_health_check=list(HealthCheck)
)
@given(broken_models(), st.booleans())
def test_broken_models_fail_cleanly(model: dict[str, Any], as_json: bool) -> None:
    text = to_json(model) if as_json else to_yaml(model)
    check_input(text.encode("utf-8"))
