"""Head counts agree with their number, and a chain step without evidence ends cleanly, in terminal and Markdown."""

from __future__ import annotations

from biotm.report import markdown, terminal, view
from biotm.result import AuditResult


def _one_person_chain(result: AuditResult) -> AuditResult:
    chain = result.chains[0]
    steps = [chain.steps[0], chain.steps[1].model_copy(update={"evidence": ""})]
    lone = chain.model_copy(update={"subjects": 1, "steps": steps})
    findings = [f.model_copy(update={"subjects": 1}) for f in result.findings]
    return result.model_copy(update={"chains": [lone], "findings": findings})


def test_persons_agrees_with_the_count() -> None:
    assert [view.persons(n) for n in (0, 1, 2, 1_400_000_000)] == ["0 people", "1 person", "2 people", "1.4bn people"]


def test_terminal_chain_says_one_person_and_a_step_without_evidence_has_no_dangling_dash(
    rich_result: AuditResult,
) -> None:
    text = terminal.render(_one_person_chain(rich_result), width=200)
    assert "1 person" in text and "1 people" not in text
    step = rich_result.chains[0].steps[1]
    line = next(x for x in text.splitlines() if step.action in x)
    assert line.rstrip().endswith(f"({step.likelihood:.3g})"), line
    assert not any(x.rstrip().endswith(" -") for x in text.splitlines())


def test_markdown_says_one_person(rich_result: AuditResult) -> None:
    text = markdown.render(_one_person_chain(rich_result))
    assert "1 person" in text and "1 people" not in text


def test_a_datum_that_reaches_one_element_says_element(rich_result: AuditResult) -> None:
    entry = rich_result.lineage[0]
    lone = entry.model_copy(update={"reaches": entry.reaches[:1]})
    result = rich_result.model_copy(update={"lineage": [lone]})
    text = terminal.render(result, width=200) + markdown.render(result)
    assert "reaches 1 element" in text and "reaches 1 elements" not in text


def test_person_days_read_to_two_decimals_for_people_and_stay_exact_in_the_plan() -> None:
    assert [view.days(d) for d in (3.0013, 3.15, 82.3013, 58.2735, 7.0, 0.001)] == ["3", "3.15", "82.3", "58.27",
                                                                                     "7", "0.001"]
    assert view.person_days(1.004) == "1 person-day" and view.person_days(2.0) == "2 person-days"


def test_the_airport_plan_says_3_person_days_where_the_basis_adds_up_to_3_0013() -> None:
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from biotm.cli import cli

    scenario = str(Path(__file__).resolve().parents[2] / "scenarios" / "airport-egates.yaml")
    args = ["mitigate", scenario, "--today", "2026-01-01"]
    plan = json.loads(CliRunner().invoke(cli, [*args, "-f", "json"]).stdout)
    first = plan["items"][0] if "items" in plan else plan["plan"]["items"][0]
    assert first["cost_days"] != round(first["cost_days"], 2)  # the JSON keeps 3 + 0.05 x 0.025 whole
    text = CliRunner().invoke(cli, [*args, "-f", "terminal", "--width", "120"]).stdout
    assert f"{view.days(first['cost_days'])} person-days, risk removed" in text
    assert str(first["cost_days"]) not in text
