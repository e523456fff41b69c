"""Damaged input never crashes an importer: every failure is a located ModelError.

Each test takes a real file, replaces a few values at random places with random JSON values (wrong
types, nulls, empty strings, nested junk), and imports the result.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from biotm.interop import IMPORTERS
from biotm.interop.commented_yaml import write_model
from biotm.model import Limits, ModelError, load_bytes
from biotm.model.parse import parse_text

from .helpers import source

SOURCES = {
    "threat-dragon": "fixtures/threat-dragon-edge.json",
    "threagile": "fixtures/threagile-single.yaml",
    "threagile-stub": "threagile/demo/stub/threagile.yaml",
    "otm": "fixtures/otm-edge.yaml",
}

_leaves = (
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(-1e3, 1e3, allow_nan=False)
    | st.sampled_from(["", "x", "tm.Flow", "tm.Actor", "trust-boundary-box", "Open", "N/A", "*", "a@b"])
)
_values = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["x", "y", "cell", "id"]), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.extend(_paths(value, (*prefix, index)))
    return out


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> None:
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


@pytest.mark.parametrize("name", sorted(SOURCES))
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_files_fail_cleanly(name: str, data: st.DataObject) -> None:
    path = source(SOURCES[name])
    fmt = name.removesuffix("-stub")
    original = yaml.safe_load(path.read_text())
    document = copy.deepcopy(original)
    paths = _paths(original)
    for _ in range(data.draw(st.integers(1, 4))):
        target = data.draw(st.sampled_from(paths))
        try:
            _replace(document, target, data.draw(_values))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this place
    text = json.dumps(document, default=str)
    parsed, source_map = parse_text(text, "damaged.json")
    convert = __import__(f"biotm.interop.{IMPORTERS[fmt]}", fromlist=["convert"]).convert
    try:
        draft = convert(parsed, source_map, Limits())
        loaded = draft.loaded()
    except ModelError as exc:
        assert all(problem.path == "damaged.json" or fmt == "threagile" for problem in exc.problems)
        return
    if draft.empty:  # an empty model audits as "nothing to audit"; a biotm file needs an element
        assert loaded.model.elements == []
        return
    # what imports also writes a file that reads back as the same model
    assert load_bytes(write_model(draft).encode(), "out.yaml").model == loaded.model
