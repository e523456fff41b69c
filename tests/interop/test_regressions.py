"""One regression test per defect of issue 17, on small fixtures of our own (tests/interop/fixtures/regress).

Each test names the defect it pins; none needs ../shared, so a bare clone exercises them all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from shared_corpus import shared

from biotm.cli import cli
from biotm.interop import import_draft, load_any
from biotm.interop.categories import guess_category
from biotm.interop.commented_yaml import write_model
from biotm.interop.otm import convert, export, export_json
from biotm.model import load_bytes
from biotm.model.parse import Limits
from biotm.model.schema import DataCategory
from biotm.model.source import SourceMap
from biotm.model.vocabulary import IDENTIFIER_WORDS
from biotm.pipeline import AuditOptions, audit

from .helpers import FIXTURES

REGRESS = FIXTURES / "regress"
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _draft(name: str) -> Any:
    return import_draft(str(REGRESS / name), "auto")


def _zone(model: Any, name: str) -> str:
    [zone] = [e.zone for e in model.elements if e.name == name]
    return str(zone)


# 1. Threat Dragon curves are their drawn segments, not infinite lines -------------------------------------


def test_1_a_curve_splits_only_what_it_lies_between() -> None:
    model = _draft("td-curves.json").loaded().model
    # Config sits left of the curve's downward extension but is joined to Server by a flow crossing nothing
    assert _zone(model, "Config") == _zone(model, "Server") == _zone(model, "Printer")
    assert _zone(model, "Phone") == _zone(model, "Audit log") != _zone(model, "Server")
    # the element with no flow joins the region it sees; the curve no flow crosses changes nothing
    assert _zone(model, "Kiosk") == _zone(model, "Server")
    crossings = {f.id for f in model.flows if _zone_of_id(model, f.source) != _zone_of_id(model, f.target)}
    assert crossings == {"login"}  # the only flow drawn across the curve


def _zone_of_id(model: Any, element_id: str) -> str:
    return str(next(e.zone for e in model.elements if e.id == element_id))


def test_1_only_the_flow_drawn_across_the_curve_is_a_zone_crossing_in_the_audit() -> None:
    result = audit(load_any(str(REGRESS / "td-curves.json")), AuditOptions())
    assert {c.flow for c in result.crossings} == {"login"}


# 2. OTM trust zones by IriusRisk type, not by a rating every zone shares --------------------------------------


def test_2_startleft_zones_face_the_internet_by_type_only() -> None:
    zones = {z.name: z for z in _draft("otm-startleft-like.otm").loaded().model.zones}
    assert zones["Internet"].internet_facing
    assert not zones["Private Secured Cloud"].internet_facing
    assert not zones["Public Cloud"].internet_facing


@pytest.mark.parametrize(
    ("zone", "facing"),
    [
        ({"name": "Public Cloud"}, False),  # by name too: a cloud hosts servers
        ({"name": "Internet"}, True),
        ({"name": "DMZ", "risk": {"trustRating": 10}}, True),
        ({"name": "Corp", "risk": {"trustRating": 10}}, False),  # a shared rating is no signal
        ({"id": "6376d53e-6461-412b-8e04-7b3fe2b397de", "name": "Generic"}, True),  # IriusRisk "Public"
    ],
)
def test_2_zone_type_and_name_decide_not_a_shared_rating(zone: dict[str, Any], facing: bool) -> None:
    others = [{"id": "x", "name": "Other", "risk": {"trustRating": 10}}]
    document = {
        "otmVersion": "0.2.0",
        "project": {"name": "p", "id": "p"},
        "trustZones": [{"id": "z", **zone}, *others],
    }
    document["components"] = [{"id": "c", "name": "C", "parent": {"trustZone": document["trustZones"][0]["id"]}}]
    model = convert(document, SourceMap("z.otm"), Limits()).loaded().model
    assert model.zones[0].internet_facing is facing


# 3. A dangling threat reference is dropped and listed, the file still audits -------------------------------------


def test_3_dangling_threat_instances_are_listed_not_fatal() -> None:
    draft = _draft("otm-startleft-like.otm")
    assert any("2 threat instance(s) dropped" in line and "'gone-1'" in line for line in draft.header)
    assert [t.title for t in draft.loaded().model.threats] == ["Spoofed client"]


# 4. Whole words only, and every guess in the header ---------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Customer Invoices",
        "User Interface Settings",
        "Surface data",
        "Facebook page",
        "Preface",
        "Irish register",
        "Palmer & Co",
        "Pinned notes",
        "Tokenomics",
        "Sessionless",
    ],
)
def test_4_words_inside_words_guess_nothing(name: str) -> None:
    assert guess_category(name) is None


def test_4_every_guessed_category_is_listed_in_the_header() -> None:
    draft = _draft("otm-startleft-like.otm")
    text = write_model(draft)
    assert "'Aadhaar number' -> national_id" in text and "'Face template' -> biometric_template (face)" in text
    assert "1 of 3 data items need a category: Customer Invoices" in text


# 5. One vocabulary with the rules: national-ID words become the specific categories --------------------------


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("Aadhaar number", "national_id"),
        ("CPF", "national_id"),
        ("NIK", "national_id"),
        ("DNI scan record", "national_id"),
        ("Resident ID", "national_id"),
        ("Tax ID", "national_id"),
        ("Passport number", "document_number"),
        ("Driver's licence", "driver_licence"),
        ("Mobile number", "phone_number"),
        ("Passport scan", "document_image"),
    ],
)
def test_5_identity_words_map_to_specific_categories(name: str, category: str) -> None:
    guess = guess_category(name)
    assert guess is not None and guess[0].value == category


def test_5_every_vocabulary_category_is_reachable_by_the_guesser() -> None:
    samples = {
        DataCategory.DRIVER_LICENCE: "driving permit",
        DataCategory.DOCUMENT_NUMBER: "document number",
        DataCategory.NATIONAL_ID: "national identity number",
        DataCategory.PHONE_NUMBER: "telephone",
    }
    for category, _words in IDENTIFIER_WORDS:
        guess = guess_category(samples[category])
        assert guess is not None and guess[0] is category


# 6.-7., 14., 16. Threagile fidelity ------------------------------------------------------------------------------


def test_6_a_customers_client_is_subject_controlled() -> None:
    elements = {e.id: e for e in _draft("threagile-fidelity.yaml").loaded().model.elements}
    assert elements["phone"].type == "device" and elements["phone"].subject_controlled
    assert not elements["laptop"].subject_controlled  # a devops client is the operator's machine


def test_7_processed_data_is_held_where_it_starts_and_no_flow_lacks_data() -> None:
    loaded = _draft("threagile-fidelity.yaml").loaded()
    elements = {e.id: e for e in loaded.model.elements}
    assert "face" in elements["phone"].holds  # processed there, and no link brings it
    assert "face" in elements["phone"].discards  # processed, not stored: not kept at rest
    assert "invoices" in elements["backend"].holds
    result = audit(loaded, AuditOptions())
    assert not [w for w in result.warnings if w.code == "flow-data-unavailable"]


def test_14_ssh_tunnel_and_scp_are_encrypted_as_threagile_counts_them() -> None:
    flows = {f.protocol: f for f in _draft("threagile-fidelity.yaml").loaded().model.flows}
    assert flows["ssh-tunnel"].encrypted and flows["scp"].encrypted
    assert not flows["jdbc"].encrypted


def test_16_threagile_losses_are_mapped_or_counted() -> None:
    draft = _draft("threagile-fidelity.yaml")
    model = draft.loaded().model
    header = "\n".join(draft.header)
    for lost in ("1 abuse cases", "1 security requirements", "1 questions", "C/I/A ratings on data assets"):
        assert lost in header, lost
    # every link into the archive is ip_filtered: network isolation
    assert "network-isolation" in next(e for e in model.elements if e.id == "archive").controls
    text = write_model(draft)
    assert "multi-tenant in Threagile" in text and "Threagile tags: customer" in text


# 8.-10. OTM ids, types, catalogue threats and processed assets -------------------------------------------------


def test_8_otm_ids_become_readable_and_keep_the_otm_id_as_a_comment() -> None:
    draft = _draft("otm-startleft-like.otm")
    model = draft.loaded().model
    assert {e.id for e in model.elements} >= {"mobile-app", "public-api", "accounts"}
    assert "# OTM id '56'" in write_model(draft)


def test_9_otm_database_types_and_names_become_stores() -> None:
    types = {e.name: e.type for e in _draft("otm-startleft-like.otm").loaded().model.elements}
    assert types["Accounts"] == types["Sessions"] == types["Redis cache"] == "store"  # postgresql, dynamodb, name
    assert types["Mobile App"] == "device" and types["Public API"] == "process"


def test_10_catalogue_threats_without_an_instance_are_listed() -> None:
    draft = _draft("otm-startleft-like.otm")
    assert any("'Catalogue only'" in line and "not carried over" in line for line in draft.header)


def test_10_otm_processed_assets_that_no_flow_brings_are_held(tmp_path: Path) -> None:
    document = json.loads((REGRESS / "otm-startleft-like.otm").read_text())
    document["components"][1]["assets"]["processed"] = ["a1"]
    path = tmp_path / "processed.otm"
    path.write_text(json.dumps(document))
    api = next(e for e in load_any(str(path)).model.elements if e.name == "Public API")
    assert api.holds == api.discards == ["customer-invoices"]  # present there, not kept at rest


# 11. Empty models audit as "nothing to audit" ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["td-empty.json", "otm-empty.otm", "threagile-empty.yaml"])
def test_11_an_empty_model_audits_with_nothing_to_audit(name: str) -> None:
    runner = CliRunner()
    run = runner.invoke(cli, ["analyze", str(REGRESS / name), "--today", "2026-01-01"])
    assert run.exit_code == 0, run.output
    assert "nothing to audit" in run.stderr
    imported = runner.invoke(cli, ["import", str(REGRESS / name)])
    assert imported.exit_code == 0 and "WARNING: the model is empty" in imported.stdout


# 12. Out-of-scope Threat Dragon flows are listed, not audited --------------------------------------------------


def test_12_out_of_scope_flows_are_left_out_and_listed() -> None:
    loaded = _draft("td-curves.json").loaded()
    assert "legacy-export" not in {f.id for f in loaded.model.flows}
    [assumption] = loaded.model.meta.assumptions
    assert "Legacy export" in assumption and "decommissioned in 2025" in assumption
    result = audit(loaded, AuditOptions())
    assert not [f for f in result.findings if "legacy-export" in f.places]


# 13. Formats are detected by their own markers --------------------------------------------------------------


def test_13_a_threat_model_library_file_is_named_not_taken_for_biotm() -> None:
    run = CliRunner().invoke(cli, ["validate", str(REGRESS / "tmbom-like.json")])
    assert run.exit_code == 2
    [line] = run.stderr.strip().splitlines()
    assert line.startswith(f"{REGRESS / 'tmbom-like.json'}:1:1: unknown format: looks like an OWASP Threat Model")


# 15. Cosmetic: zone names, no empty parent zones, suffixes survive the length limit ----------------------------


def test_15_split_zones_are_named_by_their_elements_and_none_is_left_empty() -> None:
    model = _draft("td-curves.json").loaded().model
    names = {z.name or "" for z in model.zones}
    assert not [n for n in names if ", side " in n or "unnamed curve" in n]
    assert "Outside any trust boundary: Phone, Audit log" in names
    used = {e.zone for e in model.elements}
    assert {z.id for z in model.zones} == used  # no zone emptied by the split


def test_15_a_long_bidirectional_flow_keeps_its_reverse_suffix() -> None:
    ids = [f.id for f in _draft("td-curves.json").loaded().model.flows]
    [reverse] = [i for i in ids if i.endswith("-reverse")]
    assert len(reverse) <= 100 and reverse.removesuffix("-reverse") in {i[: len(reverse) - 8] for i in ids}


# 16. Threat Dragon and OTM losses -----------------------------------------------------------------------------


def test_16_threat_dragon_properties_are_mapped_or_noted() -> None:
    draft = _draft("td-curves.json")
    elements = {e.name: e for e in draft.loaded().model.elements}
    assert elements["Server"].controls == ["access-control"]  # providesAuthentication
    assert elements["Audit log"].purpose == "log"  # isALog
    text = write_model(draft)
    assert "privilege level in Threat Dragon: user" in text and "Threat Dragon score: 7.5" in text
    assert "diagram 'Main' is a STRIDE diagram" in text


def test_16_otm_losses_are_counted_and_mitigation_states_kept() -> None:
    draft = _draft("otm-startleft-like.otm")
    header = "\n".join(draft.header)
    assert "1 representations" in header and "tags on components" in header and "attributes on trust zones" in header
    [threat] = draft.loaded().model.threats
    assert threat.mitigation == "Attestation (required)" and threat.status == "open"


# 17. OTM export carries findings, chains and mitigations -------------------------------------------------------


def test_17_otm_export_carries_findings_chains_and_mitigations(tmp_path: Path) -> None:
    loaded = load_any(str(SCENARIOS / "china-sim-registration.yaml"))
    result = audit(loaded, AuditOptions(plan=True))
    document = export(loaded.model, result)
    ids = {t["id"] for t in document["threats"]}
    assert {f"finding-{f.id}" for f in result.findings} <= ids
    assert {f"chain-{c.id}" for c in result.chains} <= ids and result.chains
    finding = next(t for t in document["threats"] if t["id"].startswith("finding-"))
    assert finding["attributes"]["biotm-finding"]["severity"] in ("critical", "high", "medium", "low", "info")
    assert any(
        t["attributes"]["biotm-finding"]["regulations"] for t in document["threats"] if t["id"].startswith("finding-")
    )
    mitigations = {m["id"]: m for m in document["mitigations"]}
    assert result.plan is not None and {f"control-{i.control}" for i in result.plan.items} <= set(mitigations)
    present = {c for e in loaded.model.elements for c in e.controls}
    assert {f"control-{c}" for c in present} <= set(mitigations)
    instances = [i for part in document["components"] + document["dataflows"] for i in part.get("threats", [])]
    assert {i["threat"] for i in instances} <= ids | {m.id for m in loaded.model.threats}
    # importing the export gives back the same model, and the audit's parts are not imported as threats
    path = tmp_path / "exported.otm.json"
    path.write_text(export_json(loaded.model, result))
    again = load_any(str(path)).model
    assert again == loaded.model


def test_17_the_export_with_findings_is_valid_otm() -> None:
    schema = json.loads(shared("peer-models", "otm", "otm_schema.json").read_text())
    loaded = load_any(str(SCENARIOS / "bank-remote-ekyc.yaml"))
    jsonschema.validate(export(loaded.model, audit(loaded, AuditOptions(plan=True))), schema)


def test_17_the_export_command_writes_findings_by_default(tmp_path: Path) -> None:
    target = tmp_path / "out.otm.json"
    source = str(SCENARIOS / "china-sim-registration.yaml")
    run = CliRunner().invoke(cli, ["export", "--to", "otm", source, "-o", str(target), "--today", "2026-01-01"])
    assert run.exit_code == 0, run.output
    document = json.loads(target.read_text())
    assert any(t["id"].startswith("finding-") for t in document["threats"])
    bare = CliRunner().invoke(cli, ["export", "--to", "otm", source, "--model-only"])
    assert not any(t["id"].startswith("finding-") for t in json.loads(bare.stdout)["threats"])


def test_written_imports_validate_with_biotm() -> None:
    for name in ("td-curves.json", "otm-startleft-like.otm", "threagile-fidelity.yaml"):
        draft = _draft(name)
        assert load_bytes(write_model(draft).encode(), "x.yaml").model == draft.loaded().model
