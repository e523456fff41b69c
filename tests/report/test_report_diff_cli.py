"""`biotm diff` (matching by stable ids, CI exit codes) and `biotm diagram`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_support import FIXTURES, per_place_findings

from biotm.cli import cli
from biotm.diff import compare, regressions
from biotm.report.diff_formats import DIFF_FORMATS
from biotm.result import AuditResult

NEW_FLOW = """  - id: export
    source: archive
    target: sdk_cloud
    data: [face_template]
"""


def test_compare_sorts_findings_and_chains_into_new_resolved_changed(rich_result: AuditResult) -> None:
    base = rich_result
    dropped, raised, *_ = [f for f in base.findings if f.rule != "idt-sim-takeover"]
    added = dropped.model_copy(update={"id": "bio-new-0000000000", "rule": "bio-new", "severity": "high"})
    findings = [f for f in base.findings if f.id != dropped.id]
    findings = [f.model_copy(update={"severity": "low"}) if f.id == raised.id else f for f in findings] + [added]
    new = base.model_copy(update={"findings": findings, "chains": []})
    diff = compare(base, new)
    assert [f.id for f in diff.new_findings] == [added.id]
    assert [f.id for f in diff.resolved] == [dropped.id]
    assert [(c.id, c.severity_before, c.severity_after) for c in diff.changed] == [(raised.id, "high", "low")]
    assert diff.unchanged == len(base.findings) - 2
    assert [c.id for c in diff.chains_closed] == ["chain-sim-otp"] and diff.chains_opened == []
    assert regressions(diff, "high") == [added.id]
    assert regressions(diff, "critical") == []
    assert regressions(diff, "none") == []
    # going back: the dropped finding is new again and the lowered one is raised across the threshold
    assert regressions(compare(new, base), "high") == [dropped.id, raised.id]
    for render in DIFF_FORMATS.values():
        assert added.id in render(diff) and dropped.id in render(diff)


@pytest.fixture
def versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two versions of the fixture, the new one with one more flow; findings one per flow and element."""
    import biotm.cli.diff_cmd as diff_cmd

    real_audit = diff_cmd.audit
    monkeypatch.setattr(diff_cmd, "audit", lambda loaded, options: per_place_findings(real_audit(loaded, options)))
    base = tmp_path / "base.yaml"
    new = tmp_path / "new.yaml"
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    base.write_text(text, encoding="utf-8")
    new.write_text("# reformatted and extended\n" + text + NEW_FLOW, encoding="utf-8")
    return base, new


@pytest.mark.parametrize(("fail_on", "code"), [("medium", 1), ("low", 1), ("high", 0), ("none", 0)])
def test_diff_exit_codes_gate_on_new_findings(versions: tuple[Path, Path], fail_on: str, code: int) -> None:
    base, new = versions
    run = CliRunner().invoke(cli, ["diff", str(base), str(new), "--fail-on", fail_on, "-f", "json"])
    assert run.exit_code == code, run.output
    diff = json.loads(run.output)
    assert [f["places"] for f in diff["new_findings"]] == [["export"]]
    assert diff["resolved"] == [] and diff["changed"] == []


def test_diff_of_a_model_with_itself_passes_even_at_info(versions: tuple[Path, Path]) -> None:
    base, _ = versions
    run = CliRunner().invoke(cli, ["diff", str(base), str(base), "--fail-on", "info", "-f", "markdown"])
    assert run.exit_code == 0
    assert "0 new, 0 resolved, 0 changed, 9 unchanged findings" in run.output


def test_diff_input_error_exits_2_with_one_line(versions: tuple[Path, Path], tmp_path: Path) -> None:
    base, _ = versions
    broken = tmp_path / "broken.yaml"
    broken.write_text("meta: [", encoding="utf-8")
    run = CliRunner().invoke(cli, ["diff", str(base), str(broken)])
    assert run.exit_code == 2
    assert run.output.count("\n") == 1 and run.output.startswith(f"{broken}:")


@pytest.mark.parametrize(("fmt", "start"), [("svg", "<?xml"), ("dot", "digraph biotm {"), ("mermaid", "flowchart LR")])
def test_diagram_command_writes_each_format(minimal_path: Path, tmp_path: Path, fmt: str, start: str) -> None:
    out = tmp_path / f"d.{fmt}"
    runs = [CliRunner().invoke(cli, ["diagram", str(minimal_path), "-f", fmt, "-o", str(out)]) for _ in range(2)]
    assert all(r.exit_code == 0 for r in runs), runs[0].output
    text = out.read_text(encoding="utf-8")
    assert text.startswith(start)
    for element in ("customer", "terminal", "matcher", "archive", "sdk_cloud"):
        assert element in text
    missing = CliRunner().invoke(cli, ["diagram", str(tmp_path / "nope.yaml"), "-f", fmt])
    assert missing.exit_code == 2


def test_diff_of_a_shipped_scenario_and_its_hardened_variant() -> None:
    from report_support import SCENARIOS

    plain, hardened = SCENARIOS / "china-sim-registration.yaml", SCENARIOS / "china-sim-registration-hardened.yaml"
    if not hardened.is_file():
        pytest.skip("hardened scenario not shipped")
    args = ["--today", "2026-01-01", "-f", "json"]
    better = CliRunner().invoke(cli, ["diff", str(plain), str(hardened), "--fail-on", "info", *args])
    assert better.exit_code == 0, better.output  # hardening adds no finding and raises none
    resolved = json.loads(better.output)["resolved"]
    worse = CliRunner().invoke(cli, ["diff", str(hardened), str(plain), "--fail-on", "high", *args])
    assert worse.exit_code == 1
    assert {f["id"] for f in json.loads(worse.output)["new_findings"]} == {f["id"] for f in resolved}
    assert any(f["severity"] in ("critical", "high") for f in resolved)
