"""Every shipped scenario is a valid, warning-free, documented model."""

from __future__ import annotations

import re

from click.testing import CliRunner
from scenario_support import ROOT, SCENARIOS, audited, scenario_paths

from biotm.cli import cli
from biotm.model.loader import load_model


def test_the_library_is_not_empty() -> None:
    assert "china-sim-registration.yaml" in [p.name for p in scenario_paths()]


def test_scenario_validates_on_the_command_line(scenario_name: str) -> None:
    run = CliRunner().invoke(cli, ["validate", str(SCENARIOS / scenario_name)])
    assert run.exit_code == 0, run.output


def test_scenario_analyzes_without_model_warnings(scenario_name: str) -> None:
    warnings = audited(scenario_name).warnings
    assert [f"{w.location.line if w.location else '?'}: {w.message}" for w in warnings] == []


def test_every_element_zone_and_data_item_is_explained(scenario_name: str) -> None:
    model = load_model(str(SCENARIOS / scenario_name)).model
    assert model.meta.description and model.meta.assumptions
    unexplained = [z.id for z in model.zones if not z.name]
    unexplained += [e.id for e in model.elements if not (e.name and e.description)]
    unexplained += [d.id for d in model.data if not d.name]
    assert unexplained == []


def test_people_and_subject_counts_are_given(scenario_name: str) -> None:
    model = load_model(str(SCENARIOS / scenario_name)).model
    assert [e.id for e in model.elements if e.type == "actor" and e.role != "data-subject" and e.people is None] == []
    assert [d.id for d in model.data if d.is_biometric and d.subjects <= 1] == []


def test_scenario_has_a_readme_entry(scenario_name: str) -> None:
    readme = (SCENARIOS / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^## .*`{re.escape(scenario_name)}`", readme, re.MULTILINE), scenario_name


def test_project_readme_lists_every_scenario() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Scenarios", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"scenarios/([a-z0-9-]+\.yaml)", section))
    assert listed == {p.name for p in scenario_paths()}
