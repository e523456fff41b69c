"""`biotm generate --replicated`: the national system written small, each region's alike shops as one
replicated shop, finding what the model of every shop finds."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from biotm.cli import cli
from biotm.generate import analyze_note, dump, national_model
from biotm.graph import build_graph
from biotm.model import load_bytes
from biotm.pipeline import AuditOptions, audit

Shape = tuple[object, ...]


def _shops(model: dict[str, Any]) -> dict[str, tuple[Shape, int]]:
    """Per shop id prefix: what makes its configuration (zone, terminal controls, uplink protection, clerks
    per copy) and how many shops it stands for."""
    elements = {e["id"]: e for e in model["elements"]}
    flows = {f["id"]: f for f in model["flows"]}
    out = {}
    for element in model["elements"]:
        if element["type"] != "device" or not element["id"].endswith("_terminal"):
            continue
        shop = element["id"].removesuffix("_terminal")
        copies = element.get("instances", 1)
        links = tuple((flows[f"{shop}_{n}"].get("encrypted"), flows[f"{shop}_{n}"].get("authentication"))
                      for n in ("submit", "verdict"))
        clerks = elements[f"{shop}_clerk"]["people"]
        assert clerks % copies == 0
        out[shop] = ((element["zone"], tuple(element.get("controls", [])), links, clerks // copies), copies)
    return out


def test_replicated_shops_stand_for_exactly_the_shops_of_each_configuration() -> None:
    every = Counter(shape for shape, _ in _shops(national_model(20_000, seed=4)).values())
    replicated = _shops(national_model(20_000, seed=4, replicated=True))
    assert Counter({shape: copies for shape, copies in replicated.values()}) == every
    assert len(replicated) == len(every)  # one replicated shop per region and configuration, no more
    assert sum(every.values()) > 6_000 and max(copies for _, copies in replicated.values()) > 1


def test_replicated_model_is_small_valid_warning_free_and_fits_the_defaults() -> None:
    for elements in (1_000, 1_000_000):
        model = national_model(elements, seed=0, replicated=True)
        text = dump(model, "rep.json")
        assert analyze_note(model, text, "rep.json") is None
        loaded = load_bytes(text.encode(), "rep.json")
        assert len(loaded.model.elements) < 1_500
        assert build_graph(loaded).warnings == []
        assert f"{elements} elements written as {len(loaded.model.elements)}" in loaded.model.meta.name


def _places(model: dict[str, Any], rename: dict[str, str]) -> dict[str, set[frozenset[str]]]:
    result = audit(load_bytes(dump(model, "m.json").encode(), "m.json"), AuditOptions(today=dt.date(2026, 1, 1)))
    out: dict[str, set[frozenset[str]]] = {}
    for finding in result.findings:
        named = frozenset(re.sub(r"^(shop\d+)(?=_)", lambda m: rename.get(m[1], m[1]), p) for p in finding.places)
        out.setdefault(finding.rule, set()).add(named)
    return out


def test_replicated_model_finds_every_rule_at_the_shop_standing_for_the_shops_it_fires_at() -> None:
    every, small = national_model(1_200, seed=1), national_model(1_200, seed=1, replicated=True)
    standing_for = {shape: shop for shop, (shape, _) in _shops(small).items()}
    rename = {shop: standing_for[shape] for shop, (shape, _) in _shops(every).items()}
    expected = _places(every, rename)
    assert _places(small, {}) == expected
    assert any(len(places) > 20 for places in expected.values())  # the shops' findings are among them


def test_cli_writes_the_replicated_model_and_refuses_it_with_a_topology(tmp_path: Path) -> None:
    out = tmp_path / "rep.json"
    runner = CliRunner()
    written = runner.invoke(cli, ["generate", "-n", "100000", "--replicated", "-o", str(out)])
    assert written.exit_code == 0, written.output
    assert written.stderr == ""  # fits analyze's defaults: no note
    assert any(e.get("instances", 1) > 100 for e in json.loads(out.read_text())["elements"])
    topology = tmp_path / "t.json"
    topology.write_text("{}")
    refused = runner.invoke(cli, ["generate", "--replicated", "--from-topology", str(topology)])
    assert refused.exit_code == 2 and "--replicated applies to the national model" in refused.output


def test_a_model_over_the_defaults_is_told_it_can_be_written_small(tmp_path: Path) -> None:
    per_place, small = tmp_path / "every.json", tmp_path / "small.json"
    runner = CliRunner()
    written = runner.invoke(cli, ["generate", "-n", "12000", "--seed", "3", "-o", str(per_place)])
    assert written.exit_code == 0, written.output
    hint = re.search(r"; or write the same shops small with --replicated \(([\d,]+) elements, within the defaults\)$",
                     written.stderr.strip())
    assert hint is not None and "pass --max-elements 12000" in written.stderr, written.stderr
    done = runner.invoke(cli, ["generate", "-n", "12000", "--seed", "3", "--replicated", "-o", str(small)])
    assert done.exit_code == 0 and done.stderr == ""  # what the hint promised: no note, the defaults hold
    assert len(json.loads(small.read_text())["elements"]) == int(hint[1].replace(",", ""))
    within = runner.invoke(cli, ["generate", "-n", "9000", "-o", str(tmp_path / "fits.json")])
    assert within.exit_code == 0 and within.stderr == ""  # no note, so no hint either
