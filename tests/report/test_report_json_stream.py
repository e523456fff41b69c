"""The JSON report is written in pieces; their concatenation is the same at any slice size, and everything but the
grouped findings (test_json_grouped.py) and the audited model (its defaults left out) is pydantic's whole dump
once the fields its model gives back are put back (test_json_derived.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_support import SCENARIOS, TODAY, audited

from biotm.cli import cli
from biotm.derived import restore
from biotm.report import json_report
from biotm.result import AuditResult


def _whole(result: AuditResult) -> bytes:
    """The report written in one slice per list, checked against pydantic's own dump part by part."""
    text = b"".join(json_report.chunks(result, chunk_items=10**9))
    document, dumped = restore(json.loads(text)), json.loads(result.model_dump_json())
    assert document["model"] == json.loads(result.model.model_dump_json(exclude_defaults=True))
    assert {k: v for k, v in document.items() if k not in ("findings", "groups", "model")} == {
        k: v for k, v in dumped.items() if k not in ("findings", "groups", "model")
    }
    assert AuditResult.model_validate_json(text) == result
    return text


@pytest.mark.parametrize("chunk_items", [1, 2, 3, 1000])
def test_pieces_join_to_the_whole_dump(rich_result: AuditResult, hostile_result: AuditResult, chunk_items: int) -> None:
    # Small slices put every list and mapping (findings, locations, the model's elements) through the slicer.
    for result in (rich_result, hostile_result):
        assert b"".join(json_report.chunks(result, chunk_items)) == _whole(result)


@pytest.mark.parametrize("model", sorted(SCENARIOS.glob("*.yaml"))[:4], ids=lambda p: p.name)
def test_scenarios_stream_byte_identically(model: Path) -> None:
    result = audited(model)
    assert b"".join(json_report.chunks(result, 2)) == _whole(result)


def test_empty_and_non_ascii_values_keep_their_form(rich_result: AuditResult) -> None:
    result = rich_result.model_copy(update={"findings": [], "what_if": ["ünïcode:ctl"], "locations": {}})
    for chunk_items in (0, 1):
        text = b"".join(json_report.chunks(result, max(chunk_items, 1)))
        assert text == _whole(result)
    assert json.loads(text)["findings"] == []


@pytest.mark.parametrize("target", ["file", "stdout"])
def test_cli_json_report_equals_the_whole_dump(tmp_path: Path, target: str) -> None:
    model = SCENARIOS / sorted(p.name for p in SCENARIOS.glob("*.yaml"))[0]
    out = tmp_path / "r.json"
    args = ["analyze", str(model), "-f", "json", "--fail-on", "none", "--today", TODAY.isoformat()]
    run = CliRunner().invoke(cli, [*args, "-o", str(out)] if target == "file" else args)
    assert run.exit_code == 0, run.output
    written = out.read_bytes() if target == "file" else run.stdout_bytes
    assert written == _whole(audited(model))
