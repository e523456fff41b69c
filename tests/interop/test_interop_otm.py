"""OTM import of the spec's example and our fixture; OTM export and round trip of every shipped model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from strategies import load_dict, models

from biotm.interop import load_any
from biotm.interop.otm import convert, export, export_json
from biotm.model import Limits, Model, SourceMap, load_model

from .helpers import FIXTURES, imported, otm, written_model, zone_of

ROOT = Path(__file__).parent.parent.parent
# The project's own subset of the OTM schema (what biotm writes and importers rely on), so a clone
# without ../shared still checks the export's shape; CI also validates against the real OTM schema.
OWN_SCHEMA = FIXTURES / "otm-subset.schema.json"


def _otm_schema(which: str) -> dict[str, Any]:
    path = otm("otm_schema.json") if which == "otm" else OWN_SCHEMA
    schema: dict[str, Any] = json.loads(path.read_text())
    return schema


@pytest.fixture(scope="module", params=["otm", "own-subset"])
def otm_schema(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _otm_schema(request.param)
SHIPPED = [*sorted((ROOT / "scenarios").glob("*.yaml")), ROOT / "tests" / "fixtures" / "minimal.yaml"]


@pytest.mark.parametrize("name", ["EXAMPLE.yaml", "EXAMPLE.json"])
def test_spec_example_counts_match_the_source(name: str) -> None:
    raw: dict[str, Any] = yaml.safe_load(otm(name).read_text())
    draft, loaded = imported(otm(name))
    model = loaded.model
    assert len(model.zones) == len(raw["trustZones"])
    assert len(model.elements) == len(raw["components"])
    bidirectional = sum(1 for f in raw["dataflows"] if f.get("bidirectional"))
    assert len(model.flows) == len(raw["dataflows"]) + bidirectional
    assert len(model.data) == len(raw["assets"])
    instances = sum(len(item.get("threats") or []) for key in ("components", "dataflows") for item in raw[key])
    assert len(model.threats) == instances
    assert written_model(draft).model == model


def test_spec_example_maps_zones_threats_and_assets() -> None:
    _draft, loaded = imported(otm("EXAMPLE.yaml"))
    model = loaded.model
    zones = {z.id: z for z in model.zones}
    assert zones[zone_of(loaded, "Web Client")].name == "Internet"
    assert zones[zone_of(loaded, "Web Client")].internet_facing
    assert zones[zone_of(loaded, "Customer Database")].name == "Private"
    assert next(e for e in model.elements if e.name == "Customer Database").type == "store"
    states = {t.place: t.status for t in model.threats}
    # implemented vs required mitigation
    assert states == {"web-service": "mitigated", "dataflow-between-webservice-and-mongo": "open"}
    assert next(d for d in model.data if d.id == "public-info").public


def test_fixture_nested_components_dangling_flows_missing_names() -> None:
    draft, loaded = imported(FIXTURES / "otm-edge.yaml")
    model = loaded.model
    elements = {e.id: e for e in model.elements}
    assert elements["verifier-plugin"].zone == "data-centre"  # nested in the verifier component
    assert elements["vault"].name is None and elements["vault"].holds == ["selfie"]
    assert {z.id: z.parent for z in model.zones}["enclave"] == "data-centre"
    assert "orphan" not in {f.id for f in model.flows}
    assert any("orphan" in line for line in draft.header)
    [threat] = model.threats
    assert (threat.severity, threat.status, threat.mitigation) == ("critical", "mitigated", "Liveness detection")
    selfie = next(d for d in model.data if d.id == "selfie")
    assert (selfie.category, selfie.modality) == ("biometric_sample", "face")


def _canonical(model: Model) -> dict[str, Any]:
    dumped = model.model_dump(mode="json")
    for section in ("zones", "elements", "data", "flows", "attackers", "threats"):
        dumped[section] = sorted(dumped[section], key=lambda item: item["id"])
    dumped["accepted"] = sorted(dumped["accepted"], key=json.dumps)
    return dumped


def test_shipped_models_exist() -> None:
    assert SHIPPED[-1].is_file()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_otm_export_round_trips_to_an_equivalent_model(path: Path, tmp_path: Path) -> None:
    original = load_model(str(path)).model
    target = tmp_path / "model.otm.json"
    target.write_text(export_json(original))
    again = load_any(str(target)).model
    assert _canonical(again) == _canonical(original)
    assert export_json(again) == export_json(original)  # a second round trip changes nothing


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_otm_export_is_valid_otm_and_deterministic(path: Path, otm_schema: dict[str, Any]) -> None:
    model = load_model(str(path)).model
    document = export(model)
    jsonschema.validate(document, otm_schema)
    assert export_json(model) == export_json(load_model(str(path)).model)
    components = {c["id"]: c for c in document["components"]}
    assert set(components) == {e.id for e in model.elements}
    for element in model.elements:
        assert components[element.id]["parent"] == {"trustZone": element.zone}
    assets = {a["id"]: a for a in document["assets"]}
    for item in model.data:
        if item.is_biometric and not item.public:
            assert assets[item.id]["risk"]["confidentiality"] == 100


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        (lambda doc: doc.pop("otmVersion"), "otmVersion"),
        (lambda doc: doc["components"][0].pop("parent"), "parent"),
        (lambda doc: doc["components"][0].update(parent={"trustZone": "a", "component": "b"}), "too many"),
        (lambda doc: doc["dataflows"][0].pop("destination"), "destination"),
        (lambda doc: doc["assets"][0]["risk"].update(confidentiality=101), "101"),
    ],
)
def test_own_subset_schema_rejects_broken_exports(minimal_path: Path, damage: Any, where: str) -> None:
    checker = jsonschema.Draft7Validator(_otm_schema("own-subset"))
    document = export(load_model(str(minimal_path)).model)
    checker.validate(document)
    damage(document)
    errors = [error.message for error in checker.iter_errors(document)]
    assert any(where in message for message in errors), errors


def test_round_trip_keeps_threats_on_zones_and_accepted_risks(minimal_path: Path, tmp_path: Path) -> None:
    text = minimal_path.read_text() + (
        "threats:\n"
        "  - {id: t1, title: Vendor keeps images, place: vendor, severity: high, status: accepted}\n"
        "  - {id: t2, title: Images in transit, place: liveness, mitigation: TLS, status: mitigated}\n"
        "accepted:\n"
        "  - {rule: R1, place: archive, justification: why, owner: me, expires: 2030-01-01}\n"
        "attackers:\n"
        "  - {id: crook, kind: insider, entry: [core], skill: 0.7}\n"
    )
    source = tmp_path / "model.yaml"
    source.write_text(text)
    original = load_model(str(source)).model
    document = export(original)
    assert [t["threat"] for t in document["dataflows"][-1]["threats"]] == ["t2"]
    target = tmp_path / "model.otm.json"
    target.write_text(export_json(original))
    assert _canonical(load_any(str(target)).model) == _canonical(original)


@pytest.mark.parametrize("which", ["otm", "own-subset"])
@settings(max_examples=25, deadline=None)
@given(raw=models())
def test_any_valid_model_round_trips_through_otm(which: str, raw: dict[str, Any]) -> None:
    original = load_dict(raw).model
    document = json.loads(export_json(original))
    jsonschema.validate(document, _otm_schema(which))
    again = convert(document, SourceMap("model.otm.json"), Limits()).loaded().model
    assert _canonical(again) == _canonical(original)


def test_export_text_is_the_indented_dump_of_its_document() -> None:
    """The streamed, pydantic-core-encoded pieces spell what `json.dumps(indent=2, ensure_ascii=False)` spells
    of the whole document, escapes and non-ASCII text included (a change of encoder must not change a byte)."""
    from biotm.interop.otm import document_pieces

    document = {
        "name": "a\x1b[31m \u2028\u0085\x7f\t\n\"\\/ é 中",
        "empty": [],
        "nested": {"k\x00": [1.5, 0.1, 1e16, -0.0, {}, [], None, True, 2**70]},
        "components": [{"id": f"c{i}", "tags": ["x" * 50] * 40, "risk": i / 7} for i in range(3000)],
        "last": [{"deep": [{"deeper": []}]}],
    }
    text = b"".join(document_pieces(document)).decode("utf-8")
    assert text == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert sum(1 for _ in document_pieces(document)) > 1  # streamed: about 1 MB a piece
