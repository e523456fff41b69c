"""`biotm mitigate` on the SIM scenario puts the controls that break identity-theft chains where their effect says
(issue 16, done when): the top 5 hold the second factor at the real-name system (or the item that breaks as many
chains), presentation-attack detection at the shop terminal and audit logging beside the access control at the
archive, and no item the place cannot carry."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from biotm.analysis.candidates import fits, processing_of
from biotm.cli import cli
from biotm.graph import build_graph
from biotm.model.loader import load_model

SIM = Path(__file__).parent.parent.parent / "scenarios" / "china-sim-registration.yaml"


def _mitigate(*args: str, columns: int = 200) -> str:
    runner = CliRunner(env={"COLUMNS": str(columns)})
    result = runner.invoke(cli, ["mitigate", str(SIM), "--today", "2026-01-01", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_mitigate("-f", "json"))
    return data


def _at(item: dict[str, Any]) -> set[str]:
    return set(item["members"])


def test_the_second_factor_that_breaks_the_most_chains_is_in_the_top_five(plan: dict[str, Any]) -> None:
    items = plan["items"]
    most = max(len(i["breaks_chains"]) for i in items)
    assert most >= 2  # the SIM swap and the bank takeover run through one verification
    top = items[:5]
    assert any(len(i["breaks_chains"]) == most for i in top)
    second = [i for i in top if "realname_system:second-factor" in _at(i)]
    assert second and len(second[0]["breaks_chains"]) == most


def test_liveness_at_the_shop_terminal_is_in_the_top_five(plan: dict[str, Any]) -> None:
    top = plan["items"][:5]
    pad = [i for i in top if "shop_terminal:presentation-attack-detection" in _at(i)]
    assert pad, [i["members"] for i in top]
    assert pad[0]["breaks_chains"]  # the new SIM in the victim's name, which only the terminal stops


def test_audit_logging_at_the_archive_is_in_the_top_five(plan: dict[str, Any]) -> None:
    top = plan["items"][:5]
    assert any("realname_archive:audit-logging" in _at(i) for i in top), [i["members"] for i in top]
    graph = build_graph(load_model(SIM))
    assert "access-control" in graph.elements["realname_archive"].controls  # the pair the insider rule asks for


def test_audit_logging_at_the_archive_is_planned_ahead_of_the_second_dpia(plan: dict[str, Any]) -> None:
    ranks = {m: i["rank"] for i in plan["items"] for m in i["members"]}
    assert ranks["realname_archive:audit-logging"] <= 8
    assert ranks["realname_archive:audit-logging"] < ranks["population_register:dpia"]


def test_no_item_the_place_cannot_carry_and_one_dpia_per_processing(plan: dict[str, Any]) -> None:
    graph = build_graph(load_model(SIM))
    members = [m.split(":", 1) for i in plan["items"] for m in i["members"]]
    assert [m for m in members if not fits(graph, m[0], m[1])] == []
    per_processing = Counter(processing_of(graph, i["members"][0].split(":", 1)[0]) for i in plan["items"]
                             if i["control"] == "dpia")
    assert per_processing and max(per_processing.values()) == 1


def test_the_terminal_table_shows_both_chain_breakers_in_its_first_five_rows() -> None:
    rows = [line for line in _mitigate().splitlines() if line.startswith("│ ") and line[2:4].strip().isdigit()]
    first = {int(r[2:4]): r for r in rows if int(r[2:4]) <= 5}
    assert len(first) == 5
    assert any("second-factor" in r and "realname_system" in r for r in first.values())
    assert any("presentation-attack-detection" in r and "shop_terminal" in r for r in first.values())
