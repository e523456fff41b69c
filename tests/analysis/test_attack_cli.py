"""`biotm paths`, `biotm mitigate` and `biotm analyze --with-control/--budget` from the command line."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from support import FIXTURE, SCENARIO

from biotm.cli import cli


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_paths_json_and_terminal() -> None:
    code, out, _ = invoke(
        "paths", str(SCENARIO), "--attacker", "outsider", "--target", "face_image", "-k", "2", "-f", "json"
    )
    assert code == 0
    paths = json.loads(out)
    assert 1 <= len(paths) <= 2 and {p["attacker"] for p in paths} == {"outsider"}
    code, out, _ = invoke("paths", str(SCENARIO), "--attacker", "outsider", "--target", "face_image")
    assert code == 0 and "outsider -> face_image" in out and "liveness_cloud" in out


def test_paths_unknown_attacker_is_a_one_line_error() -> None:
    code, _, err = invoke("paths", str(SCENARIO), "--attacker", "outsidr")
    assert code == 2 and "did you mean 'outsider'" in err and err.count("\n") == 1


def test_with_control_bad_place_or_control_exits_2_with_suggestion() -> None:
    code, _, err = invoke("analyze", str(FIXTURE), "--with-control", "termnal:mfa")
    assert code == 2 and "did you mean 'terminal'" in err
    code, _, err = invoke("analyze", str(FIXTURE), "--with-control", "terminal:presentation-attack-detect")
    assert code == 2 and "did you mean 'presentation-attack-detection'" in err
    code, _, err = invoke("analyze", str(FIXTURE), "--with-control", "submit:presentation-attack-detection")
    assert code == 2 and "not a flow" in err


def test_analyze_json_carries_chains_paths_plan_and_what_if() -> None:
    code, out, _ = invoke(
        "analyze",
        str(FIXTURE),
        "-f",
        "json",
        "--fail-on",
        "none",
        "--with-control",
        "registration:human-review",
        "--budget",
        "10",
    )
    assert code == 0
    report = json.loads(out)
    assert report["chains"] and report["attack_paths"] and report["plan"] is not None
    assert report["what_if"] == ["registration:human-review"]
    assert any(d["rule"] == "idt-chain" for d in report["what_if_deltas"])
    assert any(f["rule"] == "idt-chain" for f in report["findings"])


def test_terminal_report_shows_chains_and_the_control_that_broke_them() -> None:
    code, out, _ = invoke(
        "analyze",
        str(FIXTURE),
        "--fail-on",
        "none",
        "--with-control",
        "terminal:presentation-attack-detection",
        "--with-control",
        "terminal:injection-attack-detection",
    )
    assert code == 0
    assert "What if" in out and "terminal:injection-attack-detection" in out and "gone" in out


def test_mitigate_respects_the_budget() -> None:
    code, out, _ = invoke("mitigate", str(FIXTURE), "--budget", "6", "-f", "json")
    assert code == 0
    plan = json.loads(out)
    assert plan["total_cost_days"] <= 6 and plan["items"]
    assert plan["risk_after"] < plan["risk_before"]
    code, out, _ = invoke("mitigate", str(FIXTURE))
    assert code == 0 and "Mitigation plan" in out


def test_mitigate_says_where_it_stopped_and_why() -> None:
    code, out, _ = invoke("mitigate", str(SCENARIO), "-f", "json", "--max-items", "2")
    assert code == 0
    capped = json.loads(out)
    assert len(capped["items"]) == 2
    assert capped["stopped"].startswith("stopped at the limit of 2 items") and "raise --max-items" in capped["stopped"]
    assert f"{capped['risk_after']:.3f} risk left" in capped["stopped"]
    code, out, _ = invoke("mitigate", str(SCENARIO), "-f", "json", "--budget", "4")
    budgeted = json.loads(out)
    assert budgeted["total_cost_days"] <= 4 and "raise --budget" in budgeted["stopped"]
    code, out, _ = invoke("mitigate", str(SCENARIO), "--max-items", "2")
    assert code == 0 and "raise --max-items" in out
    for bad in ("nan", "inf", "-1"):
        code, _, err = invoke("mitigate", str(SCENARIO), "--budget", bad)
        assert code == 2 and "--budget" in err
    code, _, err = invoke("mitigate", str(SCENARIO), "--max-items", "0")
    assert code == 2 and "--max-items" in err


def test_a_plan_collects_its_garbage_and_leaves_the_collector_as_it_found_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import gc

    from biotm.analysis import incremental_attack as incremental
    from biotm.model import load_model
    from biotm.pipeline import AuditOptions, audit

    loaded = load_model(str(FIXTURE))
    collecting: list[bool] = []
    real = incremental.analyze_attacks

    def spy(*args: Any, **kwargs: Any) -> Any:
        collecting.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(incremental, "analyze_attacks", spy)
    gc.disable()
    try:
        result = audit(loaded, AuditOptions(plan=True, plan_items=3, today=dt.date(2026, 1, 1)))
        assert not gc.isenabled()  # as the CLI left it
    finally:
        gc.enable()
    assert result.plan is not None and collecting and all(collecting)  # re-analyses ran with the collector on
