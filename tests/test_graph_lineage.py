from __future__ import annotations

from pathlib import Path

from biotm.graph import build_graph
from biotm.model import load_model


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
