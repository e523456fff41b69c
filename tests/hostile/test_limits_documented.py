"""Every limit the loader, the Threagile importer, the path, chain and plan searches enforce is stated in
docs/security.md with its default and its flag, as the code has them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
import pytest

from biotm.analysis.mitigation import MAX_ITEMS
from biotm.analysis.paths import MAX_SPUR_SEARCHES
from biotm.analysis.stage import MAX_CHAIN_STEPS, MAX_CHAINS, MAX_DEFAULT_K_PAIRS
from biotm.analysis.theft import BROKEN_BY_WORK, MAX_BROKEN_BY_CHAINS
from biotm.cli.mitigate_cmd import mitigate
from biotm.cli.paths_cmd import paths
from biotm.interop.threagile import MAX_INCLUDE_NAME, MAX_INCLUDED_FILES
from biotm.model.limits import DEFAULT_MAX_BYTES, Limits
from biotm.options import AuditOptions

SECURITY = Path(__file__).parent.parent.parent / "docs" / "security.md"
_MEBIBYTE = 1024 * 1024


def _stated(value: int) -> str:
    """A number as docs/security.md writes it: MB for sizes, else thousands grouped by spaces."""
    if value >= _MEBIBYTE and value % _MEBIBYTE == 0:
        return f"{value // _MEBIBYTE} MB"
    return f"{value:,}".replace(",", " ")


_DEFAULTS = {field.name: field.default for field in dataclasses.fields(Limits)}


@pytest.mark.parametrize("name", sorted(_DEFAULTS))
def test_each_loader_limit_is_documented_with_its_default(name: str) -> None:
    default = _DEFAULTS[name]
    assert isinstance(default, int)
    assert _stated(default) in SECURITY.read_text(encoding="utf-8"), f"Limits.{name} = {default} not in security.md"


def test_the_path_search_bound_is_documented() -> None:
    text = SECURITY.read_text(encoding="utf-8")
    assert _stated(MAX_SPUR_SEARCHES) in text and "MAX_SPUR_SEARCHES" in text


def _table_row(text: str, starts: str) -> str:
    rows = [line for line in text.splitlines() if line.startswith(f"| {starts}")]
    assert len(rows) == 1, f"one row of docs/security.md starts with {starts!r}"
    return rows[0]


def test_the_threagile_include_bounds_are_documented_with_their_defaults() -> None:
    text = SECURITY.read_text(encoding="utf-8")
    names = _table_row(text, "Threagile `includes:`")
    assert f"over {_stated(MAX_INCLUDE_NAME)} characters (`MAX_INCLUDE_NAME`)" in names and "NUL" in names
    assert "with a part over 255" in names
    bomb = _table_row(text, "Threagile include bombs")
    assert f"At most {MAX_INCLUDED_FILES} files are included (`MAX_INCLUDED_FILES`" in bomb
    assert f"more than {MAX_INCLUDED_FILES} included files" in bomb
    assert f"exceed {_stated(DEFAULT_MAX_BYTES)} together" in bomb and "--max-size-mb" in bomb
    assert "merged once" in bomb
    assert "inside the main model's folder" in _table_row(text, "Threagile includes outside")
    assert "include cycle: main.yaml -> b.yaml -> main.yaml" in _table_row(text, "Threagile include cycles")


def _option(command: click.Command, name: str) -> click.Option:
    found = [p for p in command.params if isinstance(p, click.Option) and p.name == name]
    assert len(found) == 1
    return found[0]


def test_the_path_chain_and_plan_bounds_are_documented_with_their_defaults_and_flags() -> None:
    text = SECURITY.read_text(encoding="utf-8")
    spur = _table_row(text, "k likeliest attack paths")
    assert f"{_stated(MAX_SPUR_SEARCHES)} spur searches (`MAX_SPUR_SEARCHES`" in spur
    assert f"stopped at {MAX_SPUR_SEARCHES:,} spur searches" in spur  # the words the report uses
    k = _option(paths, "k")
    assert isinstance(k.type, click.IntRange) and AuditOptions().k_paths == k.default
    pairs = _table_row(text, "Paths per attacker/data pair")
    assert f"k = {k.default}" in pairs and f"`paths -k` ({k.type.min} to {k.type.max})" in pairs
    assert f"to the {MAX_DEFAULT_K_PAIRS} likeliest pairs (`MAX_DEFAULT_K_PAIRS`)" in pairs
    chains = _table_row(text, "Identity-theft chains")
    assert f"The {MAX_CHAINS} likeliest chains are reported (`MAX_CHAINS`)" in chains
    assert f"the {MAX_BROKEN_BY_CHAINS} likeliest (`MAX_BROKEN_BY_CHAINS`)" in chains
    assert f"evaluated {_stated(BROKEN_BY_WORK)} requirement nodes (`BROKEN_BY_WORK`)" in chains
    assert f"at most {MAX_CHAIN_STEPS} steps (`MAX_CHAIN_STEPS`)" in chains
    items = _option(mitigate, "max_items")
    assert isinstance(items.type, click.IntRange) and items.default == MAX_ITEMS == AuditOptions().plan_items
    plan = _table_row(text, "Mitigation plan")
    assert f"at most {MAX_ITEMS} items" in plan and f"stopped at the limit of {MAX_ITEMS} items" in plan
    assert f"`mitigate --max-items` ({items.type.min} to {_stated(items.type.max)})" in plan


def test_the_density_bounds_are_documented_with_their_defaults() -> None:
    from biotm.analysis.plan_wording import PLAN_MAX_FINDINGS, RULE_WORK_AUDITS, RULE_WORK_FLOOR
    from biotm.analysis.stage import PATHS_K_PAIRS
    from biotm.cli.diff_audits import PARALLEL_MIN_ELEMENTS
    from biotm.model.limits import (
        BUILT_IN_ATTACKERS,
        CHAIN_WORK_PER_ELEMENT,
        DATA_NAMES_PER_ELEMENT,
        DATA_SETS_PER_TEN,
        DEFAULT_MAX_ELEMENTS,
        FLOWS_PER_ELEMENT,
        MIN_DATA_SETS,
        NESTED_BOUNDS,
        SECTION_BOUNDS,
    )
    from biotm.report.diagram_model import ROUTED_MAX, ROUTED_MAX_FLOWS
    from biotm.report.diagram_route import ROUTE_STEPS
    from biotm.report.graphviz import GRAPHVIZ_FLOWS_PER_BOX

    text = SECURITY.read_text(encoding="utf-8")
    assert f"{FLOWS_PER_ELEMENT} flows per element" in _table_row(text, "A large model")
    sections = _table_row(text, "Many zones, data items, attackers, threats or verifications")
    for section, (_noun, per, floor) in SECTION_BOUNDS.items():
        noun = {"zones": "Zones and data items", "data": "Zones and data items", "attackers": "attackers",
                "threats": "threats"}[section]
        assert f"{noun}: one per {per} allowed elements (at least {floor})" in sections, section
    for _field, (_noun, per, floor) in NESTED_BOUNDS.items():
        assert f"counted over the whole model): one per {per} allowed elements (at least {floor})" in sections
    searched = _table_row(text, "Verifications searched by many attackers")
    assert f"the {BUILT_IN_ATTACKERS} built-in profiles" in searched
    assert f"{CHAIN_WORK_PER_ELEMENT} per allowed element" in searched
    default = CHAIN_WORK_PER_ELEMENT * DEFAULT_MAX_ELEMENTS
    assert f"{_stated(default)} at {_stated(DEFAULT_MAX_ELEMENTS)} elements" in searched
    broad = _table_row(text, "Broad data")
    assert f"{DATA_NAMES_PER_ELEMENT} times per allowed element" in broad
    assert f"{DATA_SETS_PER_TEN / 10:g} per allowed element, at least {MIN_DATA_SETS}" in broad
    assert f"the {PATHS_K_PAIRS} likeliest pairs (`PATHS_K_PAIRS`" in _table_row(text, "Paths per attacker/data pair")
    diagram = _table_row(text, "A large or dense diagram")
    assert f"up to {ROUTED_MAX} elements and {ROUTED_MAX_FLOWS} flows" in diagram
    assert f"{_stated(ROUTE_STEPS)} grid steps" in diagram and f"{GRAPHVIZ_FLOWS_PER_BOX} flows per box" in diagram
    plan = _table_row(text, "The plan's work")
    assert f"more than {_stated(PLAN_MAX_FINDINGS)} open findings" in plan
    assert f"rule work {_stated(RULE_WORK_FLOOR)} units + {RULE_WORK_AUDITS} audits" in plan
    assert f"from {_stated(PARALLEL_MIN_ELEMENTS)} elements together" in _table_row(text, "`biotm diff` of two")
