"""DPIA draft as Word: opened back with zipfile + XML, its sections and numbers are the Markdown draft's."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from click.testing import CliRunner
from report_support import FIXTURES, SCENARIOS, TODAY, audited

from biotm.cli import cli
from biotm.report import ReportOptions, dpia

OPTIONS = ReportOptions(date=TODAY)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style id, text) of each body paragraph, table cells included."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = ElementTree.fromstring(package.read("word/document.xml"))
    out = []
    for paragraph in root.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
        out.append((style.get(f"{W}val", "") if style is not None else "", text))
    return out


def test_docx_has_the_drafts_sections_and_numbers() -> None:
    result = audited(SCENARIOS / "china-sim-registration.yaml")
    paragraphs = _paragraphs(dpia.render_docx(result, OPTIONS))
    headings = [text for style, text in paragraphs if style.startswith("Heading")]
    markdown = dpia.render_markdown(result, OPTIONS)
    expected = [re.sub(r"\\(.)", r"\1", line.lstrip("#").strip()) for line in markdown.splitlines()
                if line.startswith("#")]
    assert headings == expected and any("PIPL Art. 56(1)" in h for h in headings)
    body = "\n".join(text for _, text in paragraphs)
    assert f"{len(result.chains)} identity-theft chains" in body
    assert f"{result.summary.counts.flows} flows" in body
    assert body.count("TO COMPLETE BY THE CONTROLLER") == markdown.count("TO COMPLETE BY THE CONTROLLER") > 0
    data_names = {d.name or d.id for d in result.model.data}
    assert data_names <= set(body.splitlines())  # one table cell each


def test_docx_is_byte_identical_and_dated_by_today(tmp_path: Path) -> None:
    model = str(SCENARIOS / "china-sim-registration.yaml")
    for copy in ("a", "b"):
        out = CliRunner().invoke(cli, ["dpia", model, "-o", str(tmp_path / f"{copy}.docx"), "--today", "2026-01-01"])
        assert out.exit_code == 0, out.output
    data = (tmp_path / "a.docx").read_bytes()
    assert data == (tmp_path / "b.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {member.date_time for member in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert not any("thumbnail" in name for name in package.namelist())
        core = package.read("docProps/core.xml").decode()
    assert core.count("2026-01-01T00:00:00Z") == 2


def test_model_text_cannot_inject_word_markup() -> None:
    hostile = '</w:t></w:r><w:r><w:fldSimple w:instr="INCLUDEPICTURE x"/> \x07bell\u202e'
    result = audited(FIXTURES / "minimal.yaml")
    data_items = [d.model_copy(update={"name": hostile}) for d in result.model.data]
    result = result.model_copy(update={"summary": result.summary.model_copy(update={"name": hostile}),
                                       "model": result.model.model_copy(update={"data": data_items})})
    data = dpia.render_docx(result, OPTIONS)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {name: package.read(name).decode() for name in ("word/document.xml", "word/footer1.xml",
                                                                  "docProps/core.xml")}
    for name, xml in parts.items():
        assert "<w:fldSimple" not in xml and "\x07" not in xml and "\u202e" not in xml, name
        ElementTree.fromstring(xml)  # still well-formed
    assert "&lt;/w:t&gt;" in parts["word/document.xml"]
    texts = [t for _, t in _paragraphs(data)]
    assert sum("</w:t></w:r><w:r><w:fldSimple" in t for t in texts) >= len(data_items)  # shown as text
