"""`biotm generate`: the boundary-root walk is linear, and what it writes fits analyze's defaults (or says how)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_hostile_inputs import CPU_CEILING, run_bounded

from biotm import generate as gen
from biotm.cli import cli
from biotm.generate import analyze_note, boundary_roots, dump_json, from_topology, national_model
from biotm.model.json_parse import _count_values
from biotm.model.limits import Limits, count_values
from biotm.model.loader import load_bytes
from biotm.model.parse import parse_json, parse_text


class _CountingBoundaries(dict[str, dict[str, Any]]):
    """Boundaries that count how often one is looked up by id."""

    lookups = 0

    def __getitem__(self, key: str) -> dict[str, Any]:
        type(self).lookups += 1
        return super().__getitem__(key)


def _chain(depth: int) -> list[dict[str, Any]]:
    """Boundary b0 outermost, each next one inside the one before."""
    return [{"id": f"b{i}", "name": f"B{i}", **({"parent": f"b{i - 1}"} if i else {})} for i in range(depth)]


@pytest.mark.parametrize("depth", [1_000, 20_000])
def test_a_chain_of_nested_boundaries_costs_a_lookup_or_two_per_boundary(depth: int) -> None:
    boundaries = _CountingBoundaries((b["id"], b) for b in reversed(_chain(depth)))  # innermost first: worst case
    _CountingBoundaries.lookups = 0
    roots = boundary_roots(boundaries)
    assert set(roots.values()) == {"b0"} and len(roots) == depth
    assert _CountingBoundaries.lookups <= 2 * depth  # the walk from each boundary to the top made it depth**2 / 2


def _walk_to_root(boundaries: dict[str, dict[str, Any]], start: str) -> str:
    """The former per-boundary walk: the reference for which boundary is the root."""
    seen: set[str] = set()
    current = boundaries[start]
    while current.get("parent") and current["parent"] in boundaries and current["id"] not in seen:
        seen.add(current["id"])
        current = boundaries[current["parent"]]
    return str(current["id"])


@pytest.mark.parametrize("seed", range(30))
def test_roots_are_those_of_the_walk_from_each_boundary_cycles_and_dangling_parents_included(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randint(1, 40)
    boundaries: dict[str, dict[str, Any]] = {}
    for i in range(count):
        parent = rng.choice([None, f"b{rng.randrange(count)}", "missing"])
        boundaries[f"b{i}"] = {"id": f"b{i}", **({"parent": parent} if parent else {})}
    assert boundary_roots(boundaries) == {b: _walk_to_root(boundaries, b) for b in boundaries}


def test_from_topology_of_a_deeply_nested_topology_runs_in_bounded_cpu(tmp_path: Path) -> None:
    boundaries = _chain(30_000)
    topology = {
        "format": gen.TOPOLOGY_FORMAT,
        "boundaries": boundaries,
        "nodes": [{"id": "n1", "kind": "process", "name": "N1", "boundary": "b29999"}],
        "data": [],
        "flows": [],
    }
    path = tmp_path / "nested.json"
    path.write_text(json.dumps(topology), encoding="utf-8")
    done, cpu = run_bounded(["generate", "--from-topology", str(path), "-o", str(tmp_path / "m.yaml")], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert cpu < CPU_CEILING, f"{cpu:.1f} s of CPU"  # quadratic, this was 450 million steps
    model = parse_text((tmp_path / "m.yaml").read_text(encoding="utf-8"), "m.yaml")[0]
    assert {zone["owner"] for zone in model["zones"]} == {"B0"}


# -- defaults that fit ------------------------------------------------------------------------------------

#: Bytes and values per element of the national model shrink as it grows (the national and regional parts are
#: shared by more shops), so a 2,000-element model against limits 50 times smaller fits only if the
#: 100,000-element one fits the defaults.
_SCALE = 50


def _scaled_defaults() -> Limits:
    full = Limits()
    return Limits(
        max_bytes=full.max_bytes // _SCALE,
        max_values=full.max_values // _SCALE,
        max_json_bytes=full.max_json_bytes // _SCALE,
        max_json_values=full.max_json_values // _SCALE,
    )


def test_the_national_model_grows_at_most_linearly_so_the_scaled_check_is_conservative() -> None:
    small, large = national_model(2_000), national_model(8_000)
    assert count_values(large) <= 4 * count_values(small)
    assert len(dump_json(large)) <= 4 * len(dump_json(small))


def test_national_scale_json_fits_analyze_defaults_and_yaml_says_how_to_fit() -> None:
    model = national_model(100_000 // _SCALE)
    limits = _scaled_defaults()
    assert analyze_note(model, dump_json(model), "national.json", limits) is None
    note = analyze_note(model, gen.dump_yaml(model), "national.yaml", limits)
    assert note is not None and "-o NAME.json" in note and "--max-values" in note


def test_the_note_names_flags_that_make_analyze_accept_the_file() -> None:
    model = national_model(1_000)
    text = dump_json(model)
    tight = Limits(max_json_bytes=len(text) // 2, max_json_values=count_values(model) // 2)
    note = analyze_note(model, text, "m.json", tight)
    assert note is not None and "-o NAME.json" not in note  # already JSON: only the flags help
    size_mb = int(note.split("--max-size-mb ")[1].split()[0])
    values = int(note.split("--max-values ")[1].split()[0])
    parse_json(text, "m.json", Limits.chosen(size_mb * 1024 * 1024, values))  # accepted with the named flags
    with pytest.raises(Exception, match="more than the limit"):
        parse_json(text, "m.json", Limits.chosen(size_mb * 1024 * 1024, values - 1))


def test_generated_json_is_the_model_and_loads_as_one() -> None:
    model = national_model(300, seed=4)
    text = dump_json(model)
    assert json.loads(text) == model
    assert load_bytes(text.encode(), "m.json").model.elements[0].id == model["elements"][0]["id"]
    assert text.count("\n") > len(model["elements"])  # one record per line: an error's line names it


def test_generate_prints_the_note_when_the_model_would_not_fit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    small = Limits(max_bytes=10_000, max_values=1_000, max_json_bytes=10_000_000, max_json_values=10_000_000)
    monkeypatch.setattr(gen, "analyze_note", lambda m, t, p: analyze_note(m, t, p, small))
    out = tmp_path / "m.yaml"
    done = CliRunner().invoke(cli, ["generate", "-n", "200", "-o", str(out)])
    assert done.exit_code == 0 and out.exists()
    assert "note:" in done.stderr and "-o NAME.json" in done.stderr
    done = CliRunner().invoke(cli, ["generate", "-n", "200", "-o", str(tmp_path / "m.json")])
    assert done.exit_code == 0 and "note:" not in done.stderr


def test_converted_topology_keeps_its_owner_root_for_every_zone() -> None:
    topology = {
        "format": gen.TOPOLOGY_FORMAT,
        "boundaries": [*_chain(3), {"id": "pub", "name": "Public"}, {"id": "kiosk", "name": "K", "parent": "pub"}],
        "nodes": [{"id": "n", "kind": "actor", "name": "N", "boundary": "kiosk"}],
        "data": [],
        "flows": [],
    }
    zones = {zone["id"]: zone for zone in from_topology(topology)["zones"]}
    assert zones["b2"]["owner"] == "B0" and zones["kiosk"]["owner"] == "Public" and zones["kiosk"]["public_place"]


def test_yaml_values_are_counted_as_the_loader_counts_them() -> None:
    model = national_model(200)
    text = gen.dump_yaml(model)
    values = count_values(model)
    parse_text(text, "m.yaml", Limits.chosen(max_values=values))  # exactly at the count: accepted
    with pytest.raises(Exception, match="more than the limit"):
        parse_text(text, "m.yaml", Limits.chosen(max_values=values - 1))


def test_generate_at_10k_writes_a_model_analyze_accepts_with_its_defaults(tmp_path: Path) -> None:
    out = tmp_path / "national.yaml"
    result = CliRunner().invoke(cli, ["generate", "-n", "10000", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "over what biotm analyze reads" not in result.output
    assert load_bytes(out.read_bytes(), str(out)).model.elements


def test_generate_at_100k_as_json_passes_analyzes_default_size_and_value_limits() -> None:
    """The limit checks analyze runs before building anything, on the JSON generate writes at 100k: size and
    values fit; the element count does not (an audit of 100k elements takes about a minute), and generate
    names the one flag that lets it in."""
    model = national_model(100_000)
    text = dump_json(model)
    limits = Limits().for_json()
    assert len(text.encode("utf-8")) <= limits.max_bytes
    _count_values(text, "national.json", limits.max_values)  # raises ModelError when over
    note = analyze_note(model, text, "national.json")
    assert note is not None and note.endswith("pass --max-elements 100000 to biotm analyze")
    assert analyze_note(model, text, "national.json", Limits(max_elements=100_000)) is None
