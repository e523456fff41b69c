"""PDF report and XLSX risk register: sections, numbers, pages that are not blank, escaping, same bytes.

pdftotext and pdftoppm come from Debian's poppler-utils (CJK text also needs poppler-data); .ci/run installs
both. Tests that need them skip with the reason when they are missing.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from report_support import FIXTURES, SCENARIOS, TODAY, audited, populate

from biotm.report import ReportOptions, pdf, xlsx
from biotm.report.grouping import groups
from biotm.result import AuditResult

POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdftoppm") is not None
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed (.ci/run installs it)")
SIM = SCENARIOS / "china-sim-registration.yaml"


@pytest.fixture(scope="module")
def sim() -> AuditResult:
    return audited(SIM)


@pytest.fixture(scope="module")
def sim_pdf(sim: AuditResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "sim.pdf"
    path.write_bytes(pdf.render_with(sim, ReportOptions(date=TODAY)))
    return path


def _text(path: Path, *pages: int) -> str:
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(["pdftotext", *span, str(path), "-"], capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_pdf_has_every_section_in_order_with_the_numbers_of_the_result(sim: AuditResult, sim_pdf: Path) -> None:
    text = _text(sim_pdf)
    headings = ["Biometric risk audit", "Management summary", "Charts", "Data-flow diagram", "Elements",
                "Data items", "Findings", "Identity-theft chains", "Mitigation plan", "Appendix",
                "Methodology and scoring", "Assumptions"]
    import re

    positions = [re.search(rf"^\f?{re.escape(h)}$", text, re.MULTILINE).start() for h in headings]  # type: ignore[union-attr]
    assert positions == sorted(positions)
    cover = _text(sim_pdf, 1)
    assert sim.summary.name in " ".join(cover.split())
    assert f"Model version: {sim.summary.version}" in cover and "Date of the audit: 2026-01-01" in cover
    assert f"biotm {sim.tool_version}" in cover
    summary_page = " ".join(_text(sim_pdf, 2).split())
    grouped = f" ({len(groups(sim))} distinct problems" if len(groups(sim)) < len(sim.findings) else ";"
    assert f"The audit found {len(sim.findings)} findings{grouped}" in summary_page
    assert f"{len(sim.chains)} identity-theft chains" in summary_page
    assert "营业厅" in text  # a CJK zone name, in the CJK font


@needs_poppler
def test_pdf_pages_are_not_blank(sim_pdf: Path, tmp_path: Path) -> None:
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "20", "-png", str(sim_pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 10
    for page in pages:
        image = Image.open(page).convert("L")
        dark = sum(image.histogram()[:200])
        assert dark > 40, page.name  # more than the footer line: the page has content


def test_pdf_is_byte_identical_for_the_same_result_and_date(sim: AuditResult) -> None:
    options = ReportOptions(date=TODAY)
    assert pdf.render_with(sim, options) == pdf.render_with(sim, options)


@needs_poppler
def test_pdf_escapes_model_text(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    hostile = "<b>bold</b> &amp; <font name=Courier>x</font> \\e[2J"
    text = text.replace("  name: minimal", f'  name: "{hostile}"')
    model = tmp_path / "hostile.yaml"
    model.write_text(text, encoding="utf-8")
    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf.render(populate(audited(model))))
    extracted = " ".join(_text(path, 1).split())
    assert "<b>bold</b> &amp; <font name=Courier>x</font> \\x1b[2J" in extracted


def test_summary_only_pdf_stops_after_the_diagram(sim: AuditResult) -> None:
    full = pdf.render(sim).count(b"/Type /Page\n")
    short = pdf.render_with(sim, ReportOptions(summary_only=True)).count(b"/Type /Page\n")
    assert short == 5 < full  # cover, summary, charts, diagram, the note


def _book(data: bytes):  # type: ignore[no-untyped-def]
    openpyxl = pytest.importorskip("openpyxl")
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_register_has_one_row_per_finding_chain_and_plan_item_with_tracking_columns() -> None:
    result = populate(audited(FIXTURES / "minimal.yaml"))
    book = _book(xlsx.render(result))
    findings, chains, plan = book["Findings"], book["Chains"], book["Plan"]
    header = [c.value for c in findings[1]]
    for column in ("status", "owner", "due date", "ticket", "severity", "risk"):
        assert column in header
    assert findings.max_row == 1 + len(result.findings)
    assert chains.max_row == 1 + len(result.chains)
    assert result.plan is not None and plan.max_row == 1 + len(result.plan.items)
    for sheet in (findings, chains, plan):
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    accepted = next(r for r in findings.iter_rows(min_row=2, values_only=True) if r[3] == "accepted")
    assert accepted[header.index("owner")] == "ciso"
    assert accepted[header.index("due date")] == "2027-01-01"


def test_xlsx_cells_never_start_formulas(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("  name: minimal", "  name: '=HYPERLINK(\"http://evil\",\"x\")'")
    for element in ("customer", "matcher"):
        text = text.replace(f"  - id: {element}\n", f"  - id: {element}\n    name: '=1+2'\n", 1)
    model = tmp_path / "formula.yaml"
    model.write_text(text, encoding="utf-8")
    data = xlsx.render(populate(audited(model)))
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheets = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/worksheets/")]
    assert all("<f>" not in sheet for sheet in sheets)  # no formula cell anywhere
    book = _book(data)
    wheres = [row[7] for row in book["Findings"].iter_rows(min_row=2, values_only=True)]
    assert any(str(w).startswith("=1+2") for w in wheres)  # kept verbatim, as text
    starting = [c for row in book["Findings"].iter_rows(min_row=2) for c in row if str(c.value).startswith("=")]
    assert starting and all(c.data_type == "s" and c.quotePrefix for c in starting)


def test_xlsx_is_byte_identical_across_runs(sim: AuditResult) -> None:
    import time

    first = xlsx.render_with(sim, ReportOptions(date=TODAY))
    time.sleep(1.1)  # a timestamp taken from the clock would now differ
    assert xlsx.render_with(sim, ReportOptions(date=TODAY)) == first


def test_a_finding_on_an_elements_outgoing_flow_says_so_in_its_section(sim: AuditResult) -> None:
    """The archive's section listed "Face, national ID number and phone number of many people together" twice (one
    on the archive, one on its flow to the police): read as a duplicate unless the second says where it is."""
    from biotm.report import html, summary

    archive = next(s for s in summary.element_sections(sim)[0] if s.element.id == "realname_archive")
    notes = {g.lead.rule: summary.placed_via(sim, "realname_archive", g.lead) for g in archive.groups}
    assert notes["bio-identity-kit"] == ""  # on the archive itself
    flow_note = "on flow 'Public-security subscriber query' to Public-security subscriber query interface"
    assert notes["legal-state-disclosure"] == flow_note  # on the archive's outgoing flow to the police
    page = html.render(sim)
    assert f"({flow_note})".replace("'", "&#39;") in page


def test_management_summary_risks_follow_the_report_order_and_name_the_attacker(sim: AuditResult) -> None:
    """Management read "Risk 1" as a high finding while Top risks, just below, opened with a critical one; and the
    chain sentence gave raw ids ('leaked-data-buyer, leaked-set-buyer, ...' obtain 'sim-control')."""
    from biotm.report import summary, view

    text = summary.management_summary(sim)
    risks = [p for p in text if p.startswith("Risk ")]
    first = next(f for f in view.top_risks(sim, 10) if f.rule != "idt-chain")
    assert risks[0].startswith(f"Risk 1: {first.title} ({first.severity},")
    chain = next(p for p in text if "identity-theft chain" in p)
    worst = sim.chains[0]
    assert worst.steps[-1].action in chain and f"and {len(worst.attackers) - 1} other attackers" in chain
    assert "'" + worst.goal + "'" not in chain and worst.who() not in chain


@needs_poppler
def test_pdf_charts_give_long_zone_names_whole_and_mixed_scripts_their_own_fonts(sim_pdf: Path) -> None:
    """The zone chart cut 'MPS national identity verification (NCIIC / CTID)' to '...verification…', and set a
    zone name with 营业厅 in it wholly in the narrow CJK face."""
    charts = " ".join(_text(sim_pdf, 3).split())
    assert "MPS national identity verification (NCIIC / CTID)" in charts
    assert "Carrier shop (营业厅) sales counter" in charts
    assert "…" not in charts
    fonts = subprocess.run(["pdffonts", "-f", "3", "-l", "3", str(sim_pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "Helvetica" in fonts and "STSong" in fonts


def test_html_charts_wrap_a_long_label_instead_of_cutting_it() -> None:
    import re

    from biotm.report.charts import bar_chart
    from biotm.report.summary import Bar, Chart

    long_name = "MPS national identity verification centre (NCIIC / CTID)"
    svg = str(bar_chart(Chart("zone", "Open risk by zone", "risk", [Bar(long_name, 1.5, "#000"), Bar("b", 1, "#000")])))
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert " ".join(t for t in texts if t not in {"Open risk by zone", "1.50", "1.00", "b"}) == long_name
    heights = [int(h) for h in re.findall(r'height="(\d+)"', svg)[:1]]
    assert heights[0] > 28 + 2 * 20  # the two-line row is taller than two one-line rows


def test_management_summary_says_whether_fix_first_is_the_costed_plan(sim: AuditResult) -> None:
    """Without --budget, "Fix first" listed the worst findings' first controls as if they were the plan."""
    from report_support import TODAY

    from biotm.model.loader import load_model
    from biotm.options import AuditOptions
    from biotm.pipeline import audit
    from biotm.report import summary

    text = " ".join(summary.management_summary(sim))
    assert "Fix first (the controls named by the riskiest open findings; no costed plan was computed" in text
    # an unplanned cost is the control's fixed part and says so: 3 days is no price for an archive of 300M faces
    assert "(from 3 person-days)" in text
    planned = audit(load_model(str(SIM)), AuditOptions(today=TODAY, budget_days=10))
    assert planned.plan is not None and planned.plan.items
    text = " ".join(summary.management_summary(planned))
    assert "Fix first (the costed plan's first items): " in text


@needs_poppler
def test_one_subject_reads_one_person_in_the_pdf_and_html(sim: AuditResult, sim_pdf: Path) -> None:
    """The phone thief's chain affects one subscriber: the PDF and HTML said '1 people'."""
    from biotm.report import html

    assert any(chain.subjects == 1 for chain in sim.chains)
    text = " ".join(_text(sim_pdf).split())
    page = html.render(sim)
    assert "1 person" in text and "1 person" in page
    assert " 1 people" not in text and " 1 people" not in page


def test_pdf_streams_are_compressed_binary_not_ascii85_text(sim_pdf: Path) -> None:
    """ReportLab wraps every compressed stream in ASCII85 by default, in pure Python: a quarter bigger, and
    0.3 s on a 130-page report with a large diagram. The streams stay deflated, only not re-encoded as text."""
    raw = sim_pdf.read_bytes()
    assert b"/FlateDecode" in raw
    assert b"ASCII85Decode" not in raw


def test_the_latin_faces_are_measured_once_per_run_with_reportlabs_own_widths() -> None:
    """ReportLab measures each word of a paragraph every time it wraps it; `MeasuredFont` keeps the widths. They
    must be ReportLab's own, for every face and size and for text its standard fonts substitute (CJK, symbols),
    or the layout would move; the kept widths are bounded."""
    from reportlab.pdfbase import pdfmetrics

    from biotm.report.pdf_text import LATIN_FACES, WIDTHS_KEPT, MeasuredFont, prepare_reportlab

    prepare_reportlab()
    texts = ["", "a", "risk", "Face-template store", "中国移动 SIM", "√ ≤ 0.5", "x" * 300, "risk"]
    for face in LATIN_FACES:
        font = pdfmetrics.getFont(face)
        assert isinstance(font, MeasuredFont)
        plain = pdfmetrics.Font(face, face, font.encName)
        for size in (8, 9.5, 17):
            for text in texts:
                assert font.stringWidth(text, size) == plain.stringWidth(text, size), (face, size, text)
                assert pdfmetrics.stringWidth(text, face, size) == plain.stringWidth(text, size)
    prepare_reportlab()  # again: the registered fonts (and what they keep) stay
    font = pdfmetrics.getFont(LATIN_FACES[0])
    assert isinstance(font, MeasuredFont) and font._widths
    for index in range(WIDTHS_KEPT + 10):
        font.stringWidth(f"w{index}", 8)
    assert len(font._widths) <= WIDTHS_KEPT
