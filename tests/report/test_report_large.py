"""Large models (issues 18 and 19): diagrams switch to the zone overview, reports stay small, commands stay fast.

The CPU test runs real `biotm` subprocesses on the generated 2,000-element model and reads the children's CPU
time from getrusage(RUSAGE_CHILDREN) (Graphviz's time included: `dot` is the child's child), never wall time.
Before the overview, `biotm diagram` handed every element to Graphviz: minutes at 10,000 elements.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_support import SCENARIOS

from biotm.cli import cli
from biotm.generate import dump_yaml, national_model
from biotm.model import load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.report import diagram, markdown
from biotm.result import AuditResult

#: CPU seconds one command may use on the 2,000-element model: several times a normal run on a busy
#: machine, far below the minutes the full Graphviz layout took.
CPU_CEILING = 40.0


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.yaml"
    path.write_text(dump_yaml(national_model(2000, seed=1)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def big(big_file: Path) -> AuditResult:
    return audit(load_bytes(big_file.read_bytes(), "big.yaml"), AuditOptions(today=dt.date(2026, 1, 1)))


def _cpu_of(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "biotm", *args], capture_output=True, text=True, timeout=600,
                          check=False, cwd=cwd, env={**os.environ, "COLUMNS": "100"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


@pytest.mark.parametrize(("command", "out"), [
    (["diagram"], "d.svg"),
    (["diagram", "-f", "dot"], "d.dot"),
    (["analyze"], "r.html"),
    (["analyze"], "r.pdf"),
    (["analyze"], "r.md"),
])
def test_diagram_and_reports_of_the_2000_element_model_use_bounded_cpu(
        big_file: Path, tmp_path: Path, command: list[str], out: str) -> None:
    done, cpu = _cpu_of([*command, str(big_file), "-o", out, "--today", "2026-01-01"], tmp_path)
    assert done.returncode in (0, 1), done.stderr[-2000:]  # 1: findings at or above --fail-on
    assert (tmp_path / out).stat().st_size > 0
    assert cpu < CPU_CEILING, f"{' '.join(command)} -o {out}: {cpu:.1f} s of CPU"


def test_a_large_model_is_drawn_as_zones_with_flows_aggregated(big: AuditResult) -> None:
    laid = diagram.report_layout(big)
    assert len(big.model.elements) > diagram.LARGE_MODEL
    assert 0 < len(laid.nodes) <= len(big.zones)
    assert all(node.kind == "zone" for node in laid.nodes.values())
    counted = sum(int(edge.label.split()[0].replace(",", "")) for edge in laid.edges)
    crossing = [f for f in big.model.flows if _zone(big, f.source) != _zone(big, f.target)]
    # every flow between two zones that are not folded into one node is counted on exactly one overview line
    assert 0 < counted <= len(crossing)
    assert len({(e.source, e.target) for e in laid.edges}) == len(laid.edges)


def test_the_pure_python_overview_wraps_into_bands_that_fit_a_page(big: AuditResult) -> None:
    """Without Graphviz the overview of the 2,000-element model was one 3,556-unit row of owners."""
    from biotm.report.diagram_model import BAND_WIDTH, MARGIN

    laid = diagram.report_layout(big)
    assert laid.width <= BAND_WIDTH + 2 * MARGIN + 60
    tops = {zone.y for zone in laid.zones.values() if zone.parent is None}
    assert len(tops) > 1  # more than one band
    boxes = [(z.x, z.y, z.x + z.w, z.y + z.h) for z in laid.zones.values() if z.parent is None]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def _zone(result: AuditResult, element_id: str) -> str:
    return next(e.zone for e in result.model.elements if e.id == element_id)


def test_markdown_of_the_2000_element_model_stays_under_2_mb(big: AuditResult) -> None:
    text = markdown.render(big)
    assert len(text.encode("utf-8")) < 2_000_000
    mermaid = re.search(r"```mermaid\n(.*?)```", text, re.DOTALL)
    assert mermaid is not None
    assert len(re.findall(r"^\s+e\d+[\[(]", mermaid.group(1), re.MULTILINE)) <= len(big.zones)
    assert f"{len(big.model.elements):,} elements and {len(big.model.flows):,} flows: too many to list" in text


def test_diagram_command_draws_every_element_with_full(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(diagram, "LARGE_MODEL", 5)  # the shipped scenario counts as large
    model = str(SCENARIOS / "china-sim-registration.yaml")
    runner = CliRunner()
    overview = runner.invoke(cli, ["diagram", model, "-f", "mermaid", "--today", "2026-01-01"])
    full = runner.invoke(cli, ["diagram", model, "-f", "mermaid", "--full", "--today", "2026-01-01"])
    assert overview.exit_code == 0 and full.exit_code == 0, overview.output + full.output
    assert "realname_archive" not in overview.output and "Carrier real-name" not in overview.output
    assert "zones like" in overview.output or "elements, CN" in overview.output
    assert "Real-name registration archive" in full.output


def test_management_summary_of_a_national_model_reads_as_prose(big: AuditResult) -> None:
    """It read 'at 3 Face-SDK vendor request logs (...) at Face-SDK vendor 1 request logs (and 2 alike places)',
    'lets a outsider' and '6331 findings'."""
    from biotm.report import summary

    paragraphs = summary.management_summary(big)
    text = " ".join(paragraphs)
    assert f"The audit found {len(big.findings):,} findings" in text and len(big.findings) >= 1000
    grouped = [p for p in paragraphs if p.startswith("Risk ") and ": at " in p.split("(", 1)[0]]
    assert grouped, "the 2,000-element model's top risks include a group"
    for paragraph in grouped:
        assert ", the worst at " in paragraph and "alike places)" not in paragraph
    assert not re.search(r"\ba [aeiou]", text, re.IGNORECASE)


def test_a_national_models_risk_chart_sums_zones_by_owner(big: AuditResult) -> None:
    """Twelve zone bars and one '183 other zones' bar a hundred times longer said nothing about who holds the risk."""
    from biotm.report import summary

    chart = next(c for c in summary.charts(big) if c.id == "zone")
    assert len(big.zones) > 12 and "by owner" in chart.title
    owners = {z.owner for z in big.zones}
    assert {bar.label.rsplit(" (", 1)[0] for bar in chart.bars} <= owners
    counted = sum(int(bar.label.rsplit("(", 1)[1].split()[0]) for bar in chart.bars)
    assert counted <= len(big.zones)
    total = sum(f.risk for f in big.findings if f.status == "open")
    assert abs(sum(bar.value for bar in chart.bars) - total) < 0.01 * len(chart.bars) + 0.01 * total


def test_the_pdf_diagram_page_keeps_its_legend(big: AuditResult, tmp_path: Path) -> None:
    """The legend of the tall zone overview spilled onto a page of its own."""
    import shutil

    from biotm.report import ReportOptions, pdf

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed (.ci/run installs it)")
    path = tmp_path / "big.pdf"
    path.write_bytes(pdf.render_with(big, ReportOptions(date=dt.date(2026, 1, 1), summary_only=True)))
    pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    page = next(p for p in pages.split("\f") if p.startswith("Data-flow diagram"))
    assert "Boxes are zones" in page


@pytest.fixture(scope="module")
def ungrouped() -> AuditResult:
    """A wide model: its places each carry other data, so each finding is its own group."""
    import json

    from strategies import random_wide_model

    from biotm.model import Limits

    model = random_wide_model(elements=300, flows=660, per_flow=4, items=60, seed=3)
    # Past the default bound on distinct data sets (1,006 of 1,000): let in, as --max-elements would.
    return audit(load_bytes(json.dumps(model).encode(), "wide.json", Limits(max_elements=20_000)))


def test_the_terminal_shows_the_worst_groups_of_a_model_whose_findings_do_not_group(ungrouped: AuditResult) -> None:
    """The terminal shows the first SHOWN_GROUPS (worst first) and says how to see the rest; --top still shows
    as many as asked."""
    from biotm.report import ReportOptions, grouping, terminal

    result = ungrouped
    every = grouping.groups(result)
    assert len(every) > grouping.SHOWN_GROUPS

    def heads(text: str) -> list[str]:
        return [line for line in text.splitlines() if re.match(r"\[(critical|high|medium|low|info)\] ", line)]

    text = terminal.render_with(result, ReportOptions(width=400))
    assert len(heads(text)) == grouping.SHOWN_GROUPS
    assert (f"The first {grouping.SHOWN_GROUPS} of {len(every):,} groups, worst first: --top N shows more (0 shows "
            "all); -f json, csv or xlsx lists every finding.") in text
    shown = heads(terminal.render_with(result, ReportOptions(width=400, top=len(every))))
    assert len(shown) == len(every)
    assert heads(terminal.render_with(result, ReportOptions(width=400, top=0))) == shown
    assert shown[: grouping.SHOWN_GROUPS] == heads(text)  # the default shows the worst, in report order


def test_html_and_markdown_show_the_worst_groups_and_link_only_to_what_they_hold(ungrouped: AuditResult) -> None:
    """The HTML page of every ungrouped finding was 15 MB of 5,566 articles (4 s to write on a dense model): like
    the terminal and the PDF, HTML and Markdown show the first SHOWN_GROUPS unless --top asks for more, and say so;
    the page links only to articles it holds (the regulation table counts the groups it leaves out)."""
    from biotm.report import ReportOptions, grouping, html

    every = grouping.groups(ungrouped)
    assert len(every) > grouping.SHOWN_GROUPS
    page = html.render_with(ungrouped, ReportOptions())
    articles = re.findall(r'<article class="finding" id="([^"]+)"', page)
    assert articles == [g.lead.id for g in every[: grouping.SHOWN_GROUPS]]
    assert (f"Showing the first {grouping.SHOWN_GROUPS} groups, worst first (--top N shows more); the JSON, SARIF "
            "and CSV reports hold every finding.") in page
    ids = set(re.findall(r' id="([^"]+)"', page))
    links = re.findall(r'href="#([^"]+)"', page)
    assert links and not [link for link in links if link not in ids]
    cells = re.findall(r'<td data-sort="\d+">(.*?)</td></tr>', page[page.index('<section id="regulations">'):])
    assert cells and all(re.fullmatch(r'(<a href="#[^"]+">[^<]*</a>(; )?)*'
                                      r'(<span class="muted">(; and \d+ more groups? not shown here|\d+ groups?, none '
                                      r'shown here)</span>)?', cell) for cell in cells)
    assert any("not shown here" in cell for cell in cells) and any("none shown here" in cell for cell in cells)
    everything = html.render_with(ungrouped, ReportOptions(top=0))
    assert re.findall(r'<article class="finding" id="([^"]+)"', everything) == [g.lead.id for g in every]
    assert "not shown here" not in everything and "Showing the first" not in everything

    text = markdown.render_with(ungrouped, ReportOptions())
    heads = re.findall(r"^#### ", text, flags=re.MULTILINE)
    assert len(heads) == grouping.SHOWN_GROUPS
    assert f"Showing the first {grouping.SHOWN_GROUPS} groups, worst first (--top N shows more)" in text
    assert len(re.findall(r"^#### ", markdown.render_with(ungrouped, ReportOptions(top=len(every))),
                          flags=re.MULTILINE)) == len(every)


def test_the_pdf_shows_the_worst_groups_and_says_where_the_rest_are(ungrouped: AuditResult, tmp_path: Path) -> None:
    """A PDF of every ungrouped finding was 1,000 pages and took 16 s to lay out: it shows the first
    SHOWN_GROUPS, worst first, unless --top asks for more, and says where every finding is."""
    import shutil

    from biotm.report import ReportOptions, grouping, pdf

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed (.ci/run installs it)")
    every = grouping.groups(ungrouped)

    def heads(options: ReportOptions) -> tuple[list[str], str]:
        path = tmp_path / "wide.pdf"
        path.write_bytes(pdf.render_with(ungrouped, options))
        text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        findings = text[text.index("\nFindings\n"):text.index("Identity-theft chains")]
        return [line for line in findings.splitlines() if re.match(r"\[(critical|high|medium|low|info)\] ", line)], text

    shown, text = heads(ReportOptions())
    assert len(shown) == grouping.SHOWN_GROUPS < len(every)
    flat = " ".join(text.split())
    assert (f"{len(ungrouped.findings):,} findings in {len(every):,} groups (one rule, one cause, alike places); the "
            f"{grouping.SHOWN_GROUPS} worst shown (--top N shows more, the XLSX register and JSON report list every "
            "finding).") in flat
    more, _ = heads(ReportOptions(top=grouping.SHOWN_GROUPS + 7))
    assert len(more) == grouping.SHOWN_GROUPS + 7
    assert more[: grouping.SHOWN_GROUPS] == shown  # the default shows the worst, in report order
