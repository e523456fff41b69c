"""Hostile and huge files of the three foreign formats (issue 18, importer parts).

Each ends in a result or one located line with exit 2, never a traceback. The large generated inputs run in
a subprocess whose CPU time (not wall time) must stay under a generous ceiling, ten times or more what they
take on a quiet machine, so a slow shared machine cannot make them flake but quadratic work still fails.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from biotm.cli import cli
from biotm.interop.threagile import MAX_INCLUDED_FILES

RUNNER = CliRunner()


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document) if path.suffix in (".json", ".otm") else yaml.safe_dump(document))
    return path


def _located_refusal(path: Path, *args: str) -> str:
    """The one stderr line of a refused file (exit 2), which must start with its location."""
    run = RUNNER.invoke(cli, [*args, str(path)])
    assert run.exit_code == 2, run.output
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and re.match(rf"{re.escape(str(path.parent))}/\S+:\d+:\d+: ", lines[0]), lines
    assert "Traceback" not in run.output
    return lines[0]


def _cpu_seconds(*args: str, memory_bytes: int = 1_500_000_000) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `biotm ARGS` in a subprocess under an address-space limit; its CPU seconds and the process."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "biotm", *args],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done


def _td(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {"summary": {"title": "Hostile"}, "detail": {"diagrams": [{"title": "D", "cells": cells}]}}


def _td_node(cell_id: str, name: str, x: Any, y: Any) -> dict[str, Any]:
    return {
        "id": cell_id,
        "shape": "process",
        "position": {"x": x, "y": y},
        "size": {"width": 40, "height": 40},
        "data": {"type": "tm.Process", "name": name},
    }


def _otm(**parts: Any) -> dict[str, Any]:
    return {"otmVersion": "0.2.0", "project": {"name": "Hostile", "id": "hostile"}, **parts}


# 1. lone surrogates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["td", "otm"])
def test_lone_surrogates_in_names_reach_no_output_raw(tmp_path: Path, fmt: str) -> None:
    if fmt == "td":
        text = json.dumps(_td([_td_node("a", "Face \udfff store", 0, 0)]))
        path = tmp_path / "model.json"
    else:
        zones = [{"id": "z", "name": "Zone \ud800"}]
        components = [{"id": "c", "name": "Camera \udfff", "type": "camera", "parent": {"trustZone": "z"}}]
        text = json.dumps(_otm(trustZones=zones, components=components))
        path = tmp_path / "model.otm"
    assert "\\udfff" in text or "\\ud800" in text  # escaped in the file, as a hostile tool writes it
    path.write_text(text)
    # The loader refuses a lone surrogate with one located line (docs/security.md); no command crashes on it.
    for args in (["import"], ["validate"], ["analyze", "-f", "json"], ["analyze", "-f", "markdown"], ["analyze"]):
        run = RUNNER.invoke(cli, [*args, str(path)])
        assert run.exit_code == 2, (args, run.output)
        lines = run.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{path}:1:"), (args, run.stderr)
        assert "surrogate" in lines[0] and "Traceback" not in run.output


# 2. huge numbers --------------------------------------------------------------------------------------------------


def test_huge_threat_dragon_coordinates_are_no_position(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    cells = [_td_node("a", "Far", 10**400, 1e308), _td_node("b", "Near", 0, 0)]
    path.write_text(json.dumps(_td(cells)).replace("1e+308", "1e999"))  # 1e999 reads as infinity
    run = RUNNER.invoke(cli, ["import", str(path)])
    assert run.exit_code == 0, run.output
    assert "'Far' in diagram 'D' has no position or size" in run.stdout


def test_huge_otm_risk_values_are_clamped(tmp_path: Path) -> None:
    threats = [{"id": "t", "name": "Big", "risk": {"likelihood": 10**400, "impact": 1e308}}]
    components = [{"id": "c", "name": "Api", "type": "web-service", "threats": [{"threat": "t", "state": "exposed"}]}]
    path = tmp_path / "huge.otm"
    path.write_text(json.dumps(_otm(components=components, threats=threats)).replace("1e+308", "1e999"))
    run = RUNNER.invoke(cli, ["import", str(path)])
    assert run.exit_code == 0, run.output
    assert "severity: critical" in run.stdout


# 4. a 3,000-deep component parent chain ----------------------------------------------------------------------------


def test_deep_otm_component_chain_is_walked_iteratively(tmp_path: Path) -> None:
    depth = 3000
    components = [
        {"id": f"c{i}", "name": f"C{i}", "parent": {"component": f"c{i + 1}"} if i < depth - 1 else {"trustZone": "z"}}
        for i in range(depth)
    ]
    path = _write(tmp_path / "chain.otm", _otm(trustZones=[{"id": "z", "name": "Zone"}], components=components))
    run = RUNNER.invoke(cli, ["validate", str(path)])
    assert run.exit_code == 0, run.output


def test_a_component_parent_cycle_ends_in_the_unknown_zone(tmp_path: Path) -> None:
    components = [
        {"id": "a", "name": "A", "parent": {"component": "b"}},
        {"id": "b", "name": "B", "parent": {"component": "a"}},
    ]
    path = _write(tmp_path / "cycle.otm", _otm(trustZones=[{"id": "z", "name": "Zone"}], components=components))
    run = RUNNER.invoke(cli, ["import", str(path)])
    assert run.exit_code == 0 and "zone: unknown-zone" in run.stdout


# 5. near-linear work on large input ---------------------------------------------------------------------------------


def _td_boxes(count: int) -> dict[str, Any]:
    cells = []
    for i in range(count):
        x, y = (i % 60) * 100, (i // 60) * 100
        box = {"id": f"b{i}", "shape": "trust-boundary-box", "position": {"x": x, "y": y}}
        box |= {"size": {"width": 90, "height": 90}, "data": {"type": "tm.BoundaryBox", "name": f"Box {i}"}}
        cells += [box, _td_node(f"p{i}", f"P {i}", x + 20, y + 20)]
    return _td(cells)


def _threagile_boundaries(count: int) -> dict[str, Any]:
    assets = {
        f"Asset {i}": {
            "id": f"a{i}",
            "type": "process",
            "communication_links": {"Link": {"target": f"a{(i + 1) % count}", "protocol": "https"}},
        }
        for i in range(count)
    }
    boundaries = {
        f"Boundary {i}": {
            "id": f"b{i}",
            "technical_assets_inside": [f"a{i}"],
            # A tree four wide (six levels deep): a chain of 1,000 is refused by the zone-depth limit instead.
            "trust_boundaries_nested": [f"b{c}" for c in range(4 * i + 1, min(4 * i + 5, count))],
        }
        for i in range(count)
    }
    return {"threagile_version": "1.0.0", "title": "Big", "technical_assets": assets, "trust_boundaries": boundaries}


LARGE = {
    "td-3000-boxes.json": lambda: _td_boxes(3000),
    "td-20000-same-name.json": lambda: _td([_td_node(f"p{i}", "Same", i * 50, 0) for i in range(20_000)]),
    "tg-1000-boundaries.yaml": lambda: _threagile_boundaries(1000),
    "otm-20000-duplicate-ids.otm": lambda: _otm(
        trustZones=[{"id": "z", "name": "Z"}] * 50,
        components=[{"id": "dup", "name": "Same", "parent": {"trustZone": "z"}}] * 20_000,
        dataflows=[{"id": "f", "source": "dup", "destination": "dup"}] * 2000,
    ),
}


@pytest.mark.parametrize("name", sorted(LARGE))
def test_large_inputs_import_in_bounded_cpu_time(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / name, LARGE[name]())
    # 20,000 boxes (and 3,000 trust boundaries, a zone each) are over --max-elements' default: the importer's
    # own cost is what is bounded here
    seconds, done = _cpu_seconds("validate", "--max-elements", "30000", str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert seconds < 40, f"{name}: {seconds:.1f} s of CPU (about 2-3 s when quiet)"


# 8. Threagile includes ----------------------------------------------------------------------------------------------


def _threagile(path: Path, includes: list[str], assets: dict[str, Any] | None = None) -> Path:
    document: dict[str, Any] = {"threagile_version": "1.0.0", "title": "Inc", "includes": includes}
    document["technical_assets"] = assets if assets is not None else {"A": {"id": "a", "type": "process"}}
    return _write(path, document)


@pytest.mark.parametrize(
    ("include", "message"),
    [
        ("a\x00b.yaml", "contains a control character"),
        ("x" * 5000 + ".yaml", "longer than a file name can be"),
        ("/".join(["d" * 200] * 40), "longer than a file name can be"),
        ("/etc/passwd", "is an absolute path"),
        ("../outside.yaml", "points outside the model's folder"),
        ("missing.yaml", "no such file"),
    ],
)
def test_bad_include_paths_are_one_located_line(tmp_path: Path, include: str, message: str) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (tmp_path / "outside.yaml").write_text("technical_assets: {}\n")
    line = _located_refusal(_threagile(folder / "main.yaml", [include]), "validate")
    assert line.startswith(f"{folder / 'main.yaml'}:2:") and message in line  # the include's own line


def test_include_cycles_name_the_chain_at_the_including_line(tmp_path: Path) -> None:
    _threagile(tmp_path / "b.yaml", ["main.yaml"], {})
    line = _located_refusal(_threagile(tmp_path / "main.yaml", ["b.yaml"]), "validate")
    assert "b.yaml:" in line and "include cycle: main.yaml -> b.yaml -> main.yaml" in line


def test_an_include_bomb_reads_each_file_once(tmp_path: Path) -> None:
    # ten levels, each including the next ten times: 10**10 expansions if each include were read again
    for level in range(10):
        _threagile(
            tmp_path / f"l{level}.yaml",
            [f"l{level + 1}.yaml"] * 10 if level < 9 else [],
            {f"Asset {level}": {"id": f"a{level}", "type": "process", "description": "x" * 20_000}},
        )
    main = _threagile(tmp_path / "main.yaml", ["l0.yaml"] * 10)
    seconds, done = _cpu_seconds("validate", str(main))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "(11 elements" in done.stdout
    assert seconds < 30


def test_the_same_large_include_many_times_stays_in_bounded_memory(tmp_path: Path) -> None:
    assets = {f"Asset {i}": {"id": f"a{i}", "type": "process", "description": "d" * 100} for i in range(3000)}
    _write(tmp_path / "big.yaml", {"technical_assets": assets})
    main = _threagile(tmp_path / "main.yaml", ["big.yaml", "./big.yaml", *(["big.yaml"] * 300)], {})
    seconds, done = _cpu_seconds("validate", str(main), memory_bytes=1_500_000_000)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "MemoryError" not in done.stderr and seconds < 60


def test_included_files_together_are_bounded(tmp_path: Path) -> None:
    for i in range(3):
        _write(
            tmp_path / f"part{i}.yaml", {"technical_assets": {f"P{i}": {"id": f"p{i}", "description": "y" * 600_000}}}
        )
    main = _threagile(tmp_path / "main.yaml", ["part0.yaml", "part1.yaml", "part2.yaml"])
    line = _located_refusal(main, "validate", "--max-size-mb", "1")
    assert "exceed 1 MB together" in line


def test_the_main_model_counts_towards_the_bound_on_its_includes(tmp_path: Path) -> None:
    # 0.7 MB here and 0.4 MB included: each file is under 1 MB, the two together are not
    _write(tmp_path / "part.yaml", {"technical_assets": {"P": {"id": "p", "description": "y" * 400_000}}})
    main = _threagile(tmp_path / "main.yaml", ["part.yaml"], {"A": {"id": "a", "description": "x" * 700_000}})
    line = _located_refusal(main, "validate", "--max-size-mb", "1")
    assert "exceed 1 MB together" in line and line.startswith(f"{main}:2:")


def test_more_included_files_than_the_bound_are_refused_at_the_first_one_over(tmp_path: Path) -> None:
    names = [f"part{i}.yaml" for i in range(MAX_INCLUDED_FILES + 1)]
    for i, name in enumerate(names):
        _write(tmp_path / name, {"technical_assets": {f"P{i}": {"id": f"p{i}", "type": "process"}}})
    main = _threagile(tmp_path / "main.yaml", names)
    line = _located_refusal(main, "validate")
    assert f"more than {MAX_INCLUDED_FILES} included files" in line
    assert line.startswith(f"{main}:{2 + MAX_INCLUDED_FILES}:")  # the 257th include (line 1 is `includes:`)
    fits = _threagile(tmp_path / "fits.yaml", names[:MAX_INCLUDED_FILES])
    assert RUNNER.invoke(cli, ["validate", str(fits)]).exit_code == 0


# 9. dates and types ---------------------------------------------------------------------------------------------------


def test_a_risk_tracking_date_in_year_9999_keeps_the_last_day(tmp_path: Path) -> None:
    path = tmp_path / "late.yaml"
    path.write_text(
        "threagile_version: 1.0.0\ntitle: Late\ntechnical_assets:\n  A: {id: a, type: process}\n"
        "risk_tracking:\n  unencrypted-asset@a:\n    status: accepted\n    date: 9999-12-31\n    checked_by: me\n"
    )
    run = RUNNER.invoke(cli, ["import", str(path)])
    assert run.exit_code == 0, run.output
    assert 'expires: "9999-12-31"' in run.stdout


@pytest.mark.parametrize("block", [["a", "list"], "a string", 7])
def test_an_otm_biotm_block_of_the_wrong_type_is_located(tmp_path: Path, block: Any) -> None:
    document = _otm(components=[{"id": "c", "name": "C", "attributes": {"biotm": block}}])
    path = tmp_path / "typed.otm"
    path.write_text(json.dumps(document, indent=1))
    line = _located_refusal(path, "validate")
    assert "'attributes.biotm' must be a mapping" in line


def test_an_otm_project_meta_of_the_wrong_type_is_located(tmp_path: Path) -> None:
    document = _otm(components=[{"id": "c", "name": "C"}])
    document["project"]["attributes"] = {"biotm": {"meta": ["not", "a", "mapping"]}}
    path = tmp_path / "meta.otm"
    path.write_text(json.dumps(document, indent=1))
    assert "'meta' must be a mapping" in _located_refusal(path, "validate")


# 11. terminal and comment injection ---------------------------------------------------------------------------------


def test_control_characters_in_titles_never_reach_the_terminal_or_comments(tmp_path: Path) -> None:
    path = tmp_path / "osc.yaml"
    path.write_text(
        'threagile_version: 1.0.0\ntitle: "\\e]0;owned\\a"\ndata_assets:\n'
        '  "\\e]52;c;ZXZpbA==\\aShoe size\\e[2J":\n    id: shoe\n'
        "technical_assets:\n  A: {id: a, type: process, data_assets_stored: [shoe]}\n"
    )
    for args in (["analyze"], ["import"]):
        run = RUNNER.invoke(cli, [*args, str(path)])
        assert run.exit_code in (0, 1), run.output
        assert "\x1b" not in run.stderr and "\x07" not in run.stderr
        assert "\\x1b]52;c;ZXZpbA==\\x07Shoe size" in run.stderr
    written = RUNNER.invoke(cli, ["import", str(path)]).stdout
    comments = [line for line in written.splitlines() if line.lstrip().startswith("#")]
    assert not [line for line in comments if "\x1b" in line or "\x07" in line]
    out = tmp_path / "imported.yaml"
    out.write_text(written)
    assert RUNNER.invoke(cli, ["validate", str(out)]).exit_code == 0  # biotm reads back what it wrote


# broken files of each format ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("td.json", '{"summary": {}, "detail": {"diagrams": 5}}', "'detail.diagrams' must be a list"),
        ("td2.json", '{"summary": {}, "detail": {"diagrams": [{"cells": [7]}]}}', "a diagram cell must be a mapping"),
        (
            "td3.json",
            '{"summary": {}, "detail": {"diagrams": [{"cells": [{"data": {"threats": [1]}, "shape": "process"}]}]}}',
            "a threat must be a mapping",
        ),
        ("tg.yaml", "threagile_version: 1.0.0\ntechnical_assets: [1, 2]\n", "'technical_assets' must be a mapping"),
        ("tg2.yaml", "threagile_version: 1.0.0\ntechnical_assets:\n  A: 5\n", "technical_assets entry 'A'"),
        ("tg3.yaml", "threagile_version: 1.0.0\nincludes: nope\n", "'includes' must be a list"),
        ("o.otm", '{"otmVersion": "0.2.0", "project": {}, "components": 3}', "'components' must be a list"),
        ("o2.otm", '{"otmVersion": "0.2.0", "project": [], "components": []}', "'project' must be a mapping"),
        ("o3.otm", '{"otmVersion": "0.2.0"}', "needs a 'project'"),
        (
            "o4.otm",
            '{"otmVersion": "0.2.0", "project": {}, "dataflows": ["x"]}',
            "each of 'dataflows' must be a mapping",
        ),
    ],
)
def test_broken_files_of_each_format_are_one_located_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    for command in ("validate", "import", "analyze"):
        assert message in _located_refusal(path, command)


def test_an_empty_otm_model_with_a_bad_biotm_meta_is_located(tmp_path: Path) -> None:
    document = _otm()
    document["project"]["attributes"] = {"biotm": {"meta": {"bogus": 1}}}
    path = _write(tmp_path / "empty.otm", document)
    run = RUNNER.invoke(cli, ["validate", str(path)])
    assert run.exit_code == 2 and "Traceback" not in run.output
    assert all(line.startswith(f"{path}:1:1: ") for line in run.stderr.strip().splitlines())
