"""Risk tracking: accepted, false-positive, in-progress and mitigated entries; conflicts; unknown rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner
from rule_models import case, load, run

from biotm.cli import cli
from biotm.model import ModelError

RULE = "bio-store-exposed"


def _with(*entries: dict[str, Any], controls: tuple[str, ...] = ()) -> dict[str, Any]:
    model = case(RULE).fires()
    if controls:
        db = next(e for e in model["elements"] if e["id"] == "db")
        db["controls"] = list(controls)
    model["accepted"] = [{"rule": RULE, "place": "db", "owner": "ciso", **e} for e in entries]
    return model


def _finding(model: dict[str, Any], today: dt.date = dt.date(2026, 1, 1)) -> Any:
    result = run(model, RULE, today=today)
    [finding] = [f for f in result.findings if f.rule == RULE]
    return finding, result


def test_false_positive_needs_a_justification_and_never_expires() -> None:
    with pytest.raises(ModelError, match="'false-positive' needs 'justification'"):
        load(_with({"status": "false-positive"}))
    model = _with({"status": "false-positive", "justification": "the db is an air-gapped replica"})
    finding, _ = _finding(model, today=dt.date(2099, 1, 1))
    assert finding.status == "false-positive"
    assert finding.acceptance is not None and finding.acceptance.justification == "the db is an air-gapped replica"


def test_false_positive_past_its_review_date_warns_but_stays() -> None:
    model = _with({"status": "false-positive", "justification": "replica", "expires": "2025-06-01"})
    finding, result = _finding(model)
    assert finding.status == "false-positive"
    warning = next(w for w in result.warnings if w.code == "false-positive-review-due")
    assert warning.location is not None and "2025-06-01" in warning.message


def test_in_progress_needs_ticket_and_due_and_is_overdue_after_it() -> None:
    with pytest.raises(ModelError, match="'in-progress' needs 'ticket' and 'due'"):
        load(_with({"status": "in-progress"}))
    model = _with({"status": "in-progress", "ticket": "SEC-42", "due": "2026-03-01"})
    before, _ = _finding(model, today=dt.date(2026, 3, 1))
    assert before.status == "in-progress" and before.acceptance is not None and before.acceptance.ticket == "SEC-42"
    after, _ = _finding(model, today=dt.date(2026, 3, 2))
    assert after.status == "overdue"
    assert "SEC-42 was due on 2026-03-01" in after.evidence


def test_mitigated_is_verified_by_the_control_in_the_model() -> None:
    claimed = {"status": "mitigated", "control": "audit-logging"}
    verified, _ = _finding(_with(claimed, controls=("audit-logging",)))
    assert verified.status == "mitigated"
    missing, result = _finding(_with(claimed))
    assert missing.status == "open"
    assert "not in the model" in missing.evidence
    assert any(w.code == "mitigation-not-verified" and w.location is not None for w in result.warnings)
    unrelated, result = _finding(_with({"status": "mitigated", "control": "mfa"}, controls=("mfa",)))
    assert unrelated.status == "open"
    assert any("does not address" in w.message for w in result.warnings)


def _exit_code(tmp_path: Any, model: dict[str, Any], *args: str) -> int:
    import yaml

    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(model, sort_keys=False), encoding="utf-8")
    out = CliRunner().invoke(
        cli, ["analyze", str(path), "-f", "json", "--rules", RULE, "--today", "2026-01-01", *args]
    )
    return out.exit_code


@pytest.mark.parametrize(
    ("status", "extra", "code"),
    [
        ("accepted", {"justification": "ok", "expires": "2027-01-01"}, 0),
        ("accepted", {"justification": "ok", "expires": "2025-01-01"}, 1),
        ("false-positive", {"justification": "replica"}, 0),
        ("in-progress", {"ticket": "SEC-1", "due": "2027-01-01"}, 0),
        ("in-progress", {"ticket": "SEC-1", "due": "2025-01-01"}, 1),
    ],
)
def test_fail_on_honours_each_status(tmp_path: Any, status: str, extra: dict[str, Any], code: int) -> None:
    assert _exit_code(tmp_path, _with({"status": status, **extra}), "--fail-on", "low") == code


def test_conflicting_entries_give_the_same_result_in_either_order(tmp_path: Any) -> None:
    live = {"justification": "ok", "expires": "2027-01-01"}
    expired = {"justification": "old", "expires": "2025-01-01"}
    forward = _with(live, expired)
    backward = _with(expired, live)
    codes = {_exit_code(tmp_path, forward, "--fail-on", "low"), _exit_code(tmp_path, backward, "--fail-on", "low")}
    assert codes == {1}  # the most open entry counts, so the expired acceptance reopens it both ways
    one, result = _finding(forward)
    other, _ = _finding(backward)
    assert one.model_dump(exclude={"location"}) == other.model_dump(exclude={"location"})
    conflict = next(w for w in result.warnings if w.code == "acceptance-conflict")
    assert conflict.location is not None and "accepted[0]" in conflict.message


def test_entry_for_an_unknown_rule_is_a_located_warning() -> None:
    model = _with({"justification": "ok", "expires": "2027-01-01"})
    model["accepted"][0]["rule"] = "bio-store-exposd"
    result = run(model, RULE)
    warning = next(w for w in result.warnings if w.code == "acceptance-unknown-rule")
    assert "did you mean 'bio-store-exposed'" in warning.message.lower()
    assert warning.location is not None and warning.location.line > 1


def test_every_format_shows_the_tracking_note() -> None:
    from biotm.report import renderer

    result = run(_with({"status": "in-progress", "ticket": "SEC-77", "due": "2027-01-01"}), RULE)
    for fmt in ("markdown", "html", "csv", "sarif", "terminal"):
        assert "SEC-77" in renderer(fmt)(result), fmt


def test_top_and_summary_only_cut_the_human_formats_but_not_json(tmp_path: Any) -> None:
    import json
    from pathlib import Path

    model = str(Path(__file__).resolve().parents[2] / "scenarios" / "china-sim-registration.yaml")
    runner = CliRunner()
    full = runner.invoke(cli, ["analyze", model, "-f", "markdown", "--fail-on", "none", "--today", "2026-01-01"])
    top = runner.invoke(cli, ["analyze", model, "-f", "markdown", "--fail-on", "none", "--today", "2026-01-01",
                              "--top", "3"])
    short = runner.invoke(cli, ["analyze", model, "-f", "markdown", "--fail-on", "none", "--today", "2026-01-01",
                                "--summary-only"])
    every = runner.invoke(cli, ["analyze", model, "-f", "markdown", "--fail-on", "none", "--today", "2026-01-01",
                                "--top", "0"])
    assert full.exit_code == top.exit_code == short.exit_code == every.exit_code == 0
    assert every.output == full.output  # 0 shows every group; the scenario has fewer than the default 300
    refused = runner.invoke(cli, ["analyze", model, "--top", "-1"])
    assert refused.exit_code == 2 and "--top" in refused.output
    assert top.output.count("\n#### ") == 3 < full.output.count("\n#### ")
    assert "Showing the first 3 groups, worst first" in top.output
    # the head of the report order: the critical findings come before riskier high ones, never cut for them
    full_heads = [line for line in full.output.splitlines() if line.startswith("#### ")]
    assert [line for line in top.output.splitlines() if line.startswith("#### ")] == full_heads[:3]
    assert "## Management summary" in short.output and "## Findings by severity" not in short.output
    args = ["analyze", model, "-f", "json", "--fail-on", "none", "--today", "2026-01-01"]
    cut = json.loads(runner.invoke(cli, [*args, "--top", "3"]).output)["findings"]
    assert cut == json.loads(runner.invoke(cli, args).output)["findings"]  # JSON keeps every finding
    assert len(cut) > 3
