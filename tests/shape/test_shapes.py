"""Shape classes: alike places share one class, any difference a rule reads splits them, file order is irrelevant."""

from __future__ import annotations

import random
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import models, shuffled, to_yaml

from biotm.graph.shapes import shape_classes
from biotm.graph.system import SystemGraph
from biotm.model.loader import load_bytes


def _graph(model: dict[str, Any]) -> SystemGraph:
    return SystemGraph(load_bytes(yaml.safe_dump(model, sort_keys=False).encode(), "model.yaml"))


def _shops(count: int = 4) -> dict[str, Any]:
    """A national server and `count` identical shops, each with a terminal sending faces to the server."""
    zones: list[dict[str, Any]] = [{"id": "dc", "owner": "Ministry", "jurisdiction": "CN"}]
    elements: list[dict[str, Any]] = [
        {"id": "server", "type": "process", "zone": "dc", "holds": ["face"], "controls": ["encryption-at-rest"]}
    ]
    flows: list[dict[str, Any]] = []
    for n in range(count):
        zones.append({"id": f"shop{n}", "owner": "Carrier", "jurisdiction": "CN", "public_place": True})
        elements.append(
            {
                "id": f"term{n}",
                "name": f"Terminal {n}",
                "type": "process",
                "zone": f"shop{n}",
                "controls": ["presentation-attack-detection"],
            }
        )
        flows.append({"id": f"up{n}", "source": f"term{n}", "target": "server", "data": ["face"], "encrypted": True})
    return {
        "meta": {"name": "shops"},
        "zones": zones,
        "elements": elements,
        "data": [{"id": "face", "category": "biometric_sample", "modality": "face", "subjects": 100000}],
        "flows": flows,
    }


def _terminal_classes(model: dict[str, Any]) -> set[tuple[str, ...]]:
    classes = shape_classes(_graph(model))
    return {ids for ids in classes.members if ids[0].startswith("term")}


def test_alike_places_share_one_class() -> None:
    classes = shape_classes(_graph(_shops()))
    assert classes.members == (("server",), ("term0", "term1", "term2", "term3"))
    assert classes.representative("term2") == "term0"
    assert classes.of["term3"] == classes.of["term0"] != classes.of["server"]


def _with(change: str) -> dict[str, Any]:
    model = _shops()
    if change == "control":
        model["elements"][2]["controls"] = ["presentation-attack-detection", "device-attestation"]
    elif change == "zone":
        model["zones"][2]["public_place"] = False
    elif change == "owner":
        model["zones"][2]["owner"] = "Reseller"
    elif change == "flow":
        model["flows"][1]["encrypted"] = False
    elif change == "data-held":
        model["elements"][2]["holds"] = ["face"]
    elif change == "extra-flow":
        model["flows"].append({"id": "down1", "source": "server", "target": "term1", "data": ["face"]})
    return model


@given(st.sampled_from(["control", "zone", "owner", "flow", "data-held", "extra-flow"]))
@settings(max_examples=12, deadline=None)
def test_a_difference_a_rule_reads_splits_the_class(change: str) -> None:
    assert _terminal_classes(_with(change)) == {("term0", "term2", "term3"), ("term1",)}


def test_names_and_descriptions_do_not_split() -> None:
    model = _shops()
    model["elements"][2]["description"] = "the one by the door"
    model["zones"][2]["name"] = "Shop by the station"
    assert _terminal_classes(model) == {("term0", "term1", "term2", "term3")}


def test_order_inside_lists_does_not_split() -> None:
    model = _shops()
    model["elements"][2]["controls"] = ["presentation-attack-detection", "device-attestation"]
    model["elements"][3]["controls"] = ["device-attestation", "presentation-attack-detection"]
    classes = {ids for ids in shape_classes(_graph(model)).members if ids[0].startswith("term")}
    assert classes == {("term0", "term2"), ("term1", "term3")} or classes == {("term0", "term3"), ("term1", "term2")}


def test_a_neighbour_two_hops_away_splits() -> None:
    """Terminals alike in themselves, behind alike relays, differ when the stores behind the relays differ."""
    model = _shops(2)
    model["elements"] += [
        {"id": "relay0", "type": "process", "zone": "dc"},
        {"id": "relay1", "type": "process", "zone": "dc"},
        {"id": "store0", "type": "store", "zone": "dc", "holds": ["face"]},
        {"id": "store1", "type": "store", "zone": "dc", "holds": ["face"], "controls": ["encryption-at-rest"]},
    ]
    model["flows"] = [
        {"id": f"{kind}{n}", "source": f"{src}{n}", "target": f"{dst}{n}", "data": ["face"]}
        for n in range(2)
        for kind, src, dst in (("up", "term", "relay"), ("keep", "relay", "store"))
    ]
    assert _terminal_classes(model) == {("term0",), ("term1",)}


@given(models(), st.integers(0, 1000))
@settings(max_examples=40, deadline=None)
def test_classes_do_not_depend_on_file_order(model: dict[str, Any], seed: int) -> None:
    graph = SystemGraph(load_bytes(to_yaml(model).encode(), "model.yaml"))
    again = SystemGraph(load_bytes(to_yaml(shuffled(model, random.Random(seed))).encode(), "model.yaml"))
    first, second = shape_classes(graph), shape_classes(again)
    assert first.members == second.members
    assert sorted(first.of) == sorted(graph.elements)
    # Members of one class agree on every own fact but their names.
    for ids in first.members:
        facts = {
            (graph.elements[i].type, tuple(graph.elements[i].controls), tuple(graph.elements[i].holds)) for i in ids
        }
        assert len(facts) == 1


def test_generated_national_models_repeat_a_few_kinds_of_place() -> None:
    """Past a few thousand elements a bigger generated model adds places, not kinds of place."""
    from biotm.generate import dump_json, national_model

    def classes(elements: int) -> int:
        loaded = load_bytes(dump_json(national_model(elements, seed=1)).encode(), "national.json")
        return len(shape_classes(SystemGraph(loaded)).members)

    assert classes(4000) == classes(8000) < 150

