from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from strategies import load_dict, models

from biotm.graph import SystemGraph, build_graph
from biotm.model import Model, SourceMap, load_model, validate_data
from biotm.model.schema import ActorRole, ElementType
from biotm.result import Crossing


def test_lineage_follows_derivation_and_multi_hop(minimal_path: Path) -> None:
    graph = build_graph(load_model(str(minimal_path)))
    entries = {e.data: e for e in graph.lineage_entries()}
    face = entries["face_image"]
    assert face.collected_at == ["terminal"]
    assert face.reaches == ["customer", "matcher", "sdk_cloud", "terminal"]
    assert face.derives == ["face_template"]
    assert face.stored_at == []  # matcher discards it, no store receives it
    template = entries["face_template"]
    assert template.derived_at == ["matcher"]
    assert template.derived_from == ["face_image"]
    assert template.stored_at == ["archive"]
    assert entries["id_number"].stored_at == ["archive"]
    assert entries["id_number"].reaches == ["archive", "customer", "matcher", "terminal"]
    assert face.owners == ["carrier", "vendor-inc"]
    assert face.jurisdictions == ["CN", "SG"]
    assert graph.warnings == []


def test_crossings_mark_disclosure_and_cross_border(minimal_path: Path) -> None:
    graph = build_graph(load_model(str(minimal_path)))
    crossings = {c.flow: c for c in graph.crossings()}
    assert set(crossings) == {"submit", "liveness"}
    assert not crossings["submit"].disclosure and not crossings["submit"].cross_border
    assert crossings["liveness"].disclosure and crossings["liveness"].cross_border


def _app_upload_model(operator: str | None) -> dict[str, object]:
    app: dict[str, object] = {
        "id": "app",
        "type": "device",
        "zone": "phone",
        "subject_controlled": True,
        "capture": "remote",
        "holds": ["selfie"],
    }
    if operator:
        app["operator"] = operator
    return {
        "meta": {"name": "app upload"},
        "zones": [
            {"id": "phone", "owner": "Applicant", "jurisdiction": "DE"},
            {"id": "vendor", "owner": "Vendor", "jurisdiction": "DE"},
        ],
        "elements": [app, {"id": "cloud", "type": "external", "zone": "vendor"}],
        "data": [{"id": "selfie", "category": "biometric_sample", "modality": "face", "subjects": 10}],
        "flows": [{"id": "upload", "source": "app", "target": "cloud", "data": ["selfie"], "encrypted": True}],
    }


def test_an_operators_app_on_the_subjects_phone_discloses_as_the_operator() -> None:
    from biotm.model import SourceMap, validate_data
    from biotm.pipeline import audit

    def disclosures(operator: str | None) -> list[str]:
        loaded = validate_data(_app_upload_model(operator), SourceMap("app.yaml"))
        graph = build_graph(loaded)
        assert graph.owner_of("app") == (operator or "Applicant")
        return [f.rule for f in audit(loaded).findings if f.rule == "bio-third-party-disclosure"]

    # The subject's own app sending their selfie is collection; the bank's app sending it to a vendor is not.
    assert disclosures(None) == []
    assert disclosures("Bank") == ["bio-third-party-disclosure"]


# -- the graph's bulk lineage against the straightforward per-pair computation ------------------------


def _reference_lineage(model: Model) -> tuple[dict[str, dict[str, set[str]]], dict[str, set[str]], dict[str, set[str]]]:
    """Lineage sets, available and at-rest data, computed one (data item, element) pair at a time."""
    kinds = {e.id: e.type for e in model.elements}
    lineage: dict[str, dict[str, set[str]]] = {d.id: defaultdict(set) for d in model.data}
    received: dict[str, set[str]] = defaultdict(set)
    for flow in model.flows:
        received[flow.target].update(flow.data)
        for data_id in flow.data:
            lineage[data_id]["flows"].add(flow.id)
            if kinds[flow.source] is ElementType.ACTOR:
                lineage[data_id]["collected_at"].add(flow.target)
    available: dict[str, set[str]] = {}
    at_rest: dict[str, set[str]] = {}
    for element in model.elements:
        have = set(element.holds) | received[element.id]
        for derivation in element.derives:
            lineage[derivation.output]["derived_at"].add(element.id)
            lineage[derivation.output]["derived_from"].update(derivation.inputs)
            for source in derivation.inputs:
                lineage[source]["derives"].add(derivation.output)
        have |= {d.output for d in element.derives}
        available[element.id] = have
        for data_id in element.holds:
            lineage[data_id]["origins"].add(element.id)
            if element.type is not ElementType.ACTOR:
                lineage[data_id]["collected_at"].add(element.id)
        if element.type is ElementType.STORE:
            rest = have - set(element.discards)
        elif element.type is ElementType.ACTOR:
            rest = set()
        else:
            rest = set(element.holds) - set(element.discards)
        at_rest[element.id] = rest
        for data_id in have:
            lineage[data_id]["reaches"].add(element.id)
            if element.type in (ElementType.PROCESS, ElementType.DEVICE, ElementType.EXTERNAL):
                lineage[data_id]["processed_at"].add(element.id)
        for data_id in rest:
            lineage[data_id]["stored_at"].add(element.id)
    return lineage, available, at_rest


def _check_against_reference(graph: SystemGraph) -> None:
    lineage, available, at_rest = _reference_lineage(graph.model)
    assert graph.available == available
    assert graph.at_rest == at_rest
    for data_id, expected in lineage.items():
        found = graph.lineage[data_id]
        for name in ("origins", "collected_at", "derived_at", "derived_from", "derives", "processed_at",
                     "stored_at", "reaches", "flows"):
            assert getattr(found, name) == expected[name], (data_id, name)
    zone_of = {e.id: graph.zones[e.zone] for e in graph.model.elements}
    for entry in graph.lineage_entries():
        reaches = lineage[entry.data]["reaches"]
        assert entry.owners == sorted({graph.elements[e].operator or zone_of[e].owner for e in reaches})
        assert entry.jurisdictions == sorted({zone_of[e].jurisdiction for e in reaches})
    crossing = [f.id for f in graph.model.flows if graph.elements[f.source].zone != graph.elements[f.target].zone]
    assert [c.flow for c in graph.crossings()] == sorted(crossing)
    for found in graph.crossings():  # built unvalidated: each must be the validated Crossing, to the byte
        flow = graph.flows[found.flow]
        source_zone, target_zone = zone_of[flow.source], zone_of[flow.target]
        expected = Crossing(
            flow=flow.id,
            source=flow.source,
            target=flow.target,
            source_zone=source_zone.id,
            target_zone=target_zone.id,
            # To or from the data subject is collection or the subject's own copy, not a disclosure.
            disclosure=graph.owner_of(flow.source) != graph.owner_of(flow.target)
            and not any(
                graph.elements[e].role is ActorRole.DATA_SUBJECT
                or (graph.elements[e].subject_controlled and graph.elements[e].operator is None)
                for e in (flow.source, flow.target)
            ),
            cross_border=source_zone.jurisdiction.split("-")[0] != target_zone.jurisdiction.split("-")[0],
            data=sorted(flow.data),
        )
        assert found == expected
        assert found.model_dump_json() == expected.model_dump_json()
        assert found.model_fields_set == expected.model_fields_set


@settings(max_examples=60, deadline=None)
@given(model=models(max_elements=8, max_flows=12, max_data=5))
def test_lineage_equals_the_pairwise_computation_on_random_models(model: dict[str, Any]) -> None:
    _check_against_reference(build_graph(load_dict(model)))


@pytest.mark.parametrize("elements", [150, 600])
def test_lineage_equals_the_pairwise_computation_on_national_models(elements: int) -> None:
    from biotm.generate import national_model

    loaded = validate_data(national_model(elements, seed=elements), SourceMap("national.json"))
    _check_against_reference(build_graph(loaded))


@pytest.mark.parametrize("size", [0, 5, 999, 1000, 4000, 5000])
def test_sorted_subsets_equal_sorting_each(size: int) -> None:
    from biotm.graph.system import _SortedIds

    rng = random.Random(size)
    universe = {f"e{rng.randrange(10**9)}" for _ in range(5000)}
    ids = _SortedIds(universe)
    subset = set(rng.sample(sorted(universe), size))
    assert ids.of(subset) == sorted(subset)
    assert ids.of(subset | {"not-in-the-universe"}) == sorted(subset | {"not-in-the-universe"})
