"""The terminal report stays readable in an 80-column terminal: names whole, long lists counted."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from rich.console import Console

from biotm.model import load_model
from biotm.pipeline import AuditOptions, audit
from biotm.report.terminal import LIST_AT_MOST, print_report
from biotm.result import AuditResult

SCENARIO = Path(__file__).parent.parent.parent / "scenarios" / "china-sim-registration.yaml"


@pytest.fixture(scope="module")
def result() -> AuditResult:
    return audit(load_model(str(SCENARIO)), AuditOptions(today=dt.date(2026, 1, 1)))


def _printed(result: AuditResult, width: int) -> str:
    buffer = io.StringIO()
    print_report(result, Console(file=buffer, width=width, color_system=None))
    return buffer.getvalue()


@pytest.mark.parametrize("width", [80, 120])
def test_lineage_and_crossings_keep_every_name_whole(result: AuditResult, width: int) -> None:
    text = _printed(result, width)
    assert max(len(line) for line in text.splitlines()) <= width
    words = set(text.replace(",", " ").replace("(", " ").replace(")", " ").split())
    for entry in result.lineage:
        assert entry.data in words
        for name in [*entry.collected_at, *entry.stored_at, *entry.reaches[:LIST_AT_MOST]]:
            assert name in words, name  # a folded table split names such as shop_te / rminal
        assert f"reaches {len(entry.reaches)} elements:" in text
    for crossing in result.crossings:
        assert crossing.flow in words and crossing.source in words and crossing.target in words


def test_long_lists_are_counted_not_spelled_out(result: AuditResult) -> None:
    text = _printed(result, 80)
    longest = max(result.lineage, key=lambda entry: len(entry.reaches))
    assert len(longest.reaches) > LIST_AT_MOST
    assert f"(+{len(longest.reaches) - LIST_AT_MOST} more)" in text
    assert longest.reaches[-1] not in text.split(f"reaches {len(longest.reaches)} elements:")[1].split("owners")[0]


def test_the_80_column_report_is_not_a_tall_column_of_fragments(result: AuditResult) -> None:
    text = _printed(result, 80)
    section = text.split("Where each data item goes")[1].split("Boundary crossings")[0]
    # about six lines per data item; the folded 8-column table took ~20
    assert len(section.splitlines()) <= 7 * len(result.lineage)


@pytest.mark.parametrize("columns", ["80", "160"])
def test_rules_catalog_keeps_ids_and_articles_whole(columns: str) -> None:
    from click.testing import CliRunner

    from biotm.cli import cli
    from biotm.cli.rules_cmd import catalog

    run = CliRunner(env={"COLUMNS": columns}).invoke(cli, ["rules"])
    assert run.exit_code == 0, run.output
    words = set(run.stdout.replace(",", " ").replace("│", " ").split())
    for info in catalog():
        assert info.id in words
        assert set(info.regulations) <= words, info.id


@pytest.fixture(scope="module")
def national() -> AuditResult:
    from biotm.generate import dump_yaml, national_model
    from biotm.model import load_bytes

    loaded = load_bytes(dump_yaml(national_model(400)).encode(), "national.yaml")
    return audit(loaded, AuditOptions(today=dt.date(2026, 1, 1)))


def test_a_national_model_shows_one_tree_per_group_of_alike_findings(national: AuditResult) -> None:
    from biotm.report.grouping import groups
    from biotm.report.terminal import CROSSINGS_SHOWN

    text = _printed(national, 80)
    lines = text.splitlines()
    found = groups(national)
    assert len(found) < len(national.findings) / 5
    heads = [line for line in lines if line.startswith("[")]
    assert len(heads) == len(found)
    for group in found:
        if group.grouped:
            assert f"all {group.size:,} " in text
    assert "-f html, markdown or json lists every finding in full." in text
    assert len(national.crossings) > CROSSINGS_SHOWN
    assert f"… {len(national.crossings) - CROSSINGS_SHOWN} more (" in text
    # Was ~12 lines per finding (~19,000 here). Merged findings (one DPIA per controller) leave fewer findings
    # for the same shown heads, so the bound is 3 lines per finding.
    assert len(lines) < 3 * len(national.findings)


def test_a_scenario_still_shows_every_finding_in_full(result: AuditResult) -> None:
    text = _printed(result, 120)
    from biotm.report.grouping import groups

    assert sum(1 for line in text.splitlines() if line.startswith("[")) == len(groups(result))
    assert "more (" not in text


def test_regulation_view_counts_past_the_first_findings_of_an_article(national: AuditResult) -> None:
    from biotm.cli.rules_cmd import ARTICLE_LINES, regulation_view

    buffer = io.StringIO()
    Console(file=buffer, width=200, color_system=None).print(regulation_view(national, "PIPL"))
    text = buffer.getvalue()
    sizes = [int(line.rsplit("(", 1)[1].rstrip(")")) for line in text.splitlines() if line.startswith("PIPL ")]
    assert max(sizes) > ARTICLE_LINES
    for size in sizes:
        if size > ARTICLE_LINES:
            assert f"… {size - ARTICLE_LINES} more;" in text
    assert len(text.splitlines()) < len(sizes) * (ARTICLE_LINES + 3) + 5
