"""Threagile import: the authors' models in both dialects, includes, and edge cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from biotm.interop import load_any
from biotm.model import ModelError

from .helpers import FIXTURES, imported, source, threagile, written_model, zone_of

SINGLE_FILES = [
    "threagile/demo/example/threagile.yaml",
    "threagile/demo/stub/threagile.yaml",
    "threagile/v0.9.1/demo/example/threagile.yaml",
    "threagile/test/all.yaml",
    "fixtures/threagile-single.yaml",
]
EXAMPLE = "demo/example/threagile.yaml"
OLD_EXAMPLE = "v0.9.1/demo/example/threagile.yaml"


def _raw(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def _expected(data: dict[str, Any]) -> tuple[int, int, int, int]:
    """Technical assets, flows (one per link plus one per link that receives data), boundaries, data assets."""
    assets = data.get("technical_assets") or {}
    ids = {a["id"] for a in assets.values()}
    flows = 0
    for asset in assets.values():
        for link in (asset.get("communication_links") or {}).values():
            if link["target"] in ids:
                flows += 2 if link.get("data_assets_received") else 1
    return len(assets), flows, len(data.get("trust_boundaries") or {}), len(data.get("data_assets") or {})


@pytest.mark.parametrize("spec", SINGLE_FILES)
def test_model_counts_match_the_source(spec: str) -> None:
    path = source(spec)
    elements, flows, boundaries, data = _expected(_raw(path))
    draft, loaded = imported(path)
    model = loaded.model
    assert len(model.elements) == elements
    assert len(model.flows) == flows
    assert len([z for z in model.zones if z.name != "Outside any trust boundary"]) == boundaries
    assert len(model.data) == data
    assert written_model(draft).model == model


def test_nested_boundaries_become_nested_zones() -> None:
    _draft, loaded = imported(threagile(EXAMPLE))
    zones = {z.id: z for z in loaded.model.zones}
    for nested in ("web-dmz", "erp-dmz", "auth-env"):
        assert zones[nested].parent == "application-network"
    assert zone_of(loaded, "Apache Webserver") == "web-dmz"
    assert zone_of(loaded, "Load Balancer") == "application-network"
    assert zone_of(loaded, "Customer Web Client") == next(
        z.id for z in loaded.model.zones if z.name == "Outside any trust boundary"
    )


def test_dialects_and_includes_give_the_same_model() -> None:
    """v0.9.1, master and the 1.0 `all.yaml` and its split `main.yaml` describe one system."""

    def shape(path: Path) -> tuple[set[str], set[tuple[str, str]], set[str], dict[str, str]]:
        model = imported(path)[1].model
        return (
            {e.id for e in model.elements},
            {(f.source, f.target) for f in model.flows},
            {d.id for d in model.data},
            {e.id: e.zone for e in model.elements},
        )

    assert shape(threagile("test/main.yaml")) == shape(threagile("test/all.yaml"))
    # v0.9.1 spells the authorization 'enduser-identity-propagation'; both read the same
    old, new = (imported(threagile(p))[0] for p in (OLD_EXAMPLE, EXAMPLE))
    assert "enduser-identity-propagation" in threagile(OLD_EXAMPLE).read_text()
    notes = [sorted(n for notes in d.notes.values() for n in notes if "authorization" in n) for d in (old, new)]
    assert notes[0] == notes[1] and "Threagile authorization: end-user-identity-propagation" in notes[0]


def test_risk_tracking_and_individual_risks() -> None:
    _draft, loaded = imported(threagile(EXAMPLE))
    model = loaded.model
    [accepted] = model.accepted
    assert (accepted.rule, accepted.place, accepted.owner) == (
        "threagile:untrusted-deserialization",
        "erp-system",
        "John Doe",
    )
    assert accepted.expires == dt.date(2020, 1, 4) + dt.timedelta(days=365)
    by_place = {(t.place, t.status) for t in model.threats}
    assert ("ldap-auth-server", "mitigated") in by_place  # ldap-injection@*@ldap-auth-server@*
    assert ("sql-database", "open") in by_place  # the individual risk at the database
    severities = {t.place: t.severity for t in model.threats if t.status == "open"}
    assert severities["sql-database"] == "critical"


def test_links_map_protocol_encryption_and_authentication() -> None:
    _draft, loaded = imported(threagile(EXAMPLE))
    flows = {f.id: f for f in loaded.model.flows}
    ssh = flows["backend-admin-client.db-update-access"]
    assert (ssh.protocol, ssh.encrypted, ssh.authentication) == ("ssh", True, "mutual")
    nfs = flows["erp-system.nfs-filesystem-access"]
    assert (nfs.encrypted, nfs.authentication) == (False, "none")
    assert flows["erp-system.nfs-filesystem-access.response"].data == ["customer-contracts"]


def test_fixture_with_includes_merge_keys_and_nulls() -> None:
    draft, loaded = imported(FIXTURES / "threagile-includes" / "main.yaml")
    model = loaded.model
    data = {d.id: d for d in model.data}
    assert (data["face-image"].category, data["face-image"].modality) == ("biometric_sample", "face")
    assert data["face-image"].subjects == 10_000_000
    assert (data["fp-template"].category, data["fp-template"].modality) == ("biometric_template", "fingerprint")
    assert data["passport-scan"].category == "document_image"
    assert data["phone"].category == "phone_number"
    assert data["otp"].category == "credential"
    assert data["shoe-size"].category == "other" and data["shoe-size"].public
    assert draft.summary_line() == "1 of 6 data items need a category: Shoe Size"
    zones = {z.id: z for z in model.zones}
    assert zones["matcher-env"].parent == "agency-cloud"
    assert zones["agency-cloud"].internet_facing
    elements = {e.id: e for e in model.elements}
    assert elements["kiosk"].type == "device"
    assert elements["gallery"].controls == ["encryption-at-rest"]
    assert elements["gallery"].holds == ["fp-template", "shoe-size"]
    assert [a.place for a in model.accepted] == ["kiosk.enrol"]
    assert (elements["audit-log"].name, elements["audit-log"].type, elements["audit-log"].zone) == (
        "Audit Log",
        "store",
        "outside",
    )
    assert any("Telemetry" in line and "vendor-cloud" in line for line in draft.header)
    # elements from an included file are located in that file
    location = loaded.location_of("element", "matcher")
    assert location is not None and location.file.endswith("parts/assets.yaml")
    text = (FIXTURES / "threagile-includes" / "parts" / "assets.yaml").read_text().splitlines()
    assert text[location.line - 1].strip().startswith(("Matcher:", "id: matcher"))


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root / next(iter(files))


ASSET = "technical_assets:\n  A:\n    id: a\n    type: process\n"


@pytest.mark.parametrize(
    ("files", "message", "line"),
    [
        ({"m/main.yaml": "includes:\n  - ../outside.yaml\n", "outside.yaml": ASSET}, "outside the model's folder", 2),
        ({"m/main.yaml": "includes:\n  - /etc/passwd\n"}, "absolute path", 2),
        ({"m/main.yaml": "title: x\nincludes:\n  - missing.yaml\n"}, "no such file", 3),
        (
            {"m/main.yaml": "includes: [b.yaml]\n" + ASSET, "m/b.yaml": "includes: [main.yaml]\n"},
            "include cycle: main.yaml -> b.yaml -> main.yaml",
            1,
        ),
        ({"m/main.yaml": "includes: [b.yaml]\n" + ASSET, "m/b.yaml": "data_assets: [1, 2]\n"}, "must be a mapping", 1),
        ({"m/main.yaml": "includes: nope\n" + ASSET}, "'includes' must be a list", 1),
    ],
)
def test_bad_includes_fail_with_a_location(tmp_path: Path, files: dict[str, str], message: str, line: int) -> None:
    main = _write(tmp_path, files)
    with pytest.raises(ModelError) as caught:
        load_any(str(main), "threagile")
    [problem] = caught.value.problems
    assert message in problem.message
    assert problem.line == line


def test_a_file_of_comments_only_is_an_empty_include(tmp_path: Path) -> None:
    main = _write(tmp_path, {"main.yaml": "includes: [tweak.yaml]\n" + ASSET, "tweak.yaml": "# nothing\n"})
    assert [e.id for e in load_any(str(main), "threagile").model.elements] == ["a"]


def test_a_symlink_out_of_the_model_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.yaml").write_text(ASSET)
    main = _write(tmp_path, {"m/main.yaml": "includes: [link.yaml]\n" + ASSET})
    (tmp_path / "m" / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    with pytest.raises(ModelError, match="outside the model's folder"):
        load_any(str(main), "threagile")


def test_a_syntax_error_in_an_include_is_located_in_that_file(tmp_path: Path) -> None:
    main = _write(tmp_path, {"main.yaml": "includes: [sub/part.yaml]\n" + ASSET, "sub/part.yaml": "a: [1, 2\n"})
    with pytest.raises(ModelError) as caught:
        load_any(str(main), "threagile")
    [problem] = caught.value.problems
    assert problem.path == str(tmp_path / "sub" / "part.yaml")
    assert "YAML syntax error" in problem.message
