"""Files of millions of tiny values are refused at the value that passes the limit, while they are parsed.

20 MB of `[0,0,0,...]` took about 50 s to build before any check could look at it (issue 18). The
value count is held during the YAML event loop and before the JSON parser builds anything, so the
refusal's column proves where reading stopped; the CPU ceiling is generous, never wall time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_hostile_inputs import CPU_CEILING, INTERNALS, MINIMAL, run_bounded

from biotm.model import ModelError
from biotm.model.limits import DEFAULT_MAX_JSON_VALUES, DEFAULT_MAX_VALUES, Limits
from biotm.model.parse import parse_json, parse_text

LOCATED_CAP = re.compile(
    r"^(?P<file>.+):(?P<line>\d+):(?P<column>\d+): file holds more than the limit of (?P<cap>[\d,]+) values"
)


def _refusal(stderr: str) -> re.Match[str]:
    lines = stderr.splitlines()
    assert len(lines) == 1, lines[:5]
    found = LOCATED_CAP.match(lines[0])
    assert found is not None, lines[0]
    return found


def test_twenty_megabytes_of_tiny_yaml_values_are_refused_where_the_limit_is_passed(tmp_path: Path) -> None:
    path = tmp_path / "zeros.yaml"
    path.write_text("x: [" + "0," * (10 * 1024 * 1024 - 4) + "0]\n", encoding="utf-8")  # 20 MB, 10 million values
    done, cpu = run_bounded(["validate", str(path)], tmp_path)
    assert done.returncode == 2 and not any(word in done.stderr for word in INTERNALS), done.stderr[-2000:]
    found = _refusal(done.stderr)
    assert found["cap"] == f"{DEFAULT_MAX_VALUES:,}"
    # The mapping, its key and the list are values 1 to 3, so item k (from 0, at column 5 + 2k) is value k + 4:
    # the refusal stands at the first value past the cap, a quarter of the way in, and the rest was never built.
    assert found["line"] == "1" and int(found["column"]) == 5 + 2 * (DEFAULT_MAX_VALUES - 3)
    assert cpu < CPU_CEILING, f"{cpu:.1f} s of CPU"


@pytest.mark.parametrize(
    "body",
    ['{"zones": [' + "{}," * 7_000_000 + "{}]}", '{"x": {' + ",".join(f'"k{i}":0' for i in range(3_500_000)) + "}}"],
    ids=["empty mappings", "tiny keys"],
)
def test_json_of_tiny_values_is_refused_before_the_json_parser_builds_them(body: str, tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    path.write_text(body, encoding="utf-8")
    done, cpu = run_bounded(["validate", str(path)], tmp_path)
    assert done.returncode == 2 and not any(word in done.stderr for word in INTERNALS), done.stderr[-2000:]
    assert _refusal(done.stderr)["cap"] == f"{DEFAULT_MAX_JSON_VALUES:,}"
    assert cpu < CPU_CEILING, f"{cpu:.1f} s of CPU"


def _document(values: int) -> dict[str, list[int]]:
    """A mapping of one key to a list: the mapping, the key and the list are values too."""
    return {"x": list(range(values - 3))}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_count_is_exact_and_the_same_for_yaml_and_json(fmt: str) -> None:
    cap = 1000
    limits = Limits.chosen(max_values=cap)

    def parse(document: object) -> object:
        text = json.dumps(document)  # JSON is YAML too: the same document, counted by each reader
        return (parse_json if fmt == "json" else parse_text)(text, f"m.{fmt}", limits)[0]

    assert parse(_document(cap)) == _document(cap)
    with pytest.raises(ModelError) as refused:
        parse(_document(cap + 1))
    assert "more than the limit of 1,000 values" in str(refused.value)


def test_commas_and_colons_inside_json_strings_are_not_counted() -> None:
    text = json.dumps({"x": ["a, b: c" * 200] * 10})  # thousands of commas and colons, 13 values
    data, _source = parse_json(text, "m.json", Limits.chosen(max_values=13))
    assert len(data["x"]) == 10
    with pytest.raises(ModelError):
        parse_json(text, "m.json", Limits.chosen(max_values=12))


def test_an_alias_counts_what_it_repeats() -> None:
    text = "a: &list [1, 2, 3, 4, 5, 6, 7, 8]\nb: [*list, *list, *list]\n"
    limits = Limits(max_values=30, min_node_budget=30)
    with pytest.raises(ModelError) as refused:
        parse_text(text, "m.yaml", limits)
    assert "aliases expand the document beyond the limit of 30 values" in str(refused.value)
    assert parse_text(text, "m.yaml", Limits(max_values=40, min_node_budget=30))[0]["b"][2][7] == 8


def test_max_values_raises_and_lowers_the_limit_for_every_command(tmp_path: Path) -> None:
    model = MINIMAL.read_text(encoding="utf-8")
    path = tmp_path / "m.yaml"
    path.write_text(model, encoding="utf-8")
    done, _cpu = run_bounded(["validate", "--max-values", "1000", str(path)], tmp_path)
    assert done.returncode == 0, done.stderr
    padded = tmp_path / "padded.yaml"
    padded.write_text(model + "x-padding: [" + "0, " * 2000 + "0]\n", encoding="utf-8")
    for command in (["validate"], ["analyze", "-f", "json"]):
        done, _cpu = run_bounded([*command, "--max-values", "1000", str(padded)], tmp_path)
        assert done.returncode == 2 and "more than the limit of 1,000 values" in done.stderr, done.stderr
    done, _cpu = run_bounded(["validate", "--max-values", "5000", str(padded)], tmp_path)
    assert "more than the limit" not in done.stderr  # counted, and allowed (it fails as a model instead)
