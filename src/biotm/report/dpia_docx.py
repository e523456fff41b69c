"""The DPIA / PIPIA draft as a Word document (.docx), from the same blocks as its Markdown, HTML and PDF.

Built with python-docx, whose runs take text as data: it is XML-escaped by lxml and never becomes a field,
a hyperlink or markup (only this module's own PAGE field in the footer is a field). Deterministic bytes:
the core properties carry the audit date (`--today`) or a fixed epoch instead of "now", the template's
thumbnail is dropped, and the zip is rewritten with fixed member dates. East Asian text is set in a
CJK-capable font (Word and LibreOffice substitute a local one when it is missing).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from biotm.report import view

#: Core-property date when no --today is given; the same one ReportLab's invariant mode writes in the PDF.
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
#: Zip member date: the earliest a zip can store, so nothing depends on when the file was written.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
LATIN_FONT = "Calibri"
CJK_FONT = "Noto Sans CJK SC"
_TODO_FILL = "FFF3E0"
_TODO_INK = RGBColor(0xBF, 0x36, 0x0C)


def _text(value: str) -> str:
    # lxml refuses control characters; `printable` shows them (and bidi overrides) as visible escapes.
    return view.printable(value)


def _fonts(style: Any, size: float | None = None) -> None:
    style.font.name = LATIN_FONT
    if size is not None:
        style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), CJK_FONT)


def _shade(paragraph: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    paragraph._p.get_or_add_pPr().append(shading)


def _page_field(paragraph: Any) -> None:
    """A PAGE field: the one field in the document, built here from constants, never from model text."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run._r.append(OxmlElement("w:t"))
            run._r[-1].text = text


def _repeat_header(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document: Any, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    _repeat_header(table.rows[0])
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(_text(name)).bold = True
        _shade(cell.paragraphs[0], "ECEFF1")
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.paragraphs[0].add_run(_text(value))
    document.add_paragraph()


def _fixed_zip(data: bytes) -> bytes:
    """`data` (a zip) rewritten with fixed member dates and permissions, members in their written order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(member.filename))
    return out.getvalue()


def render_blocks(blocks: Iterable[Any], todo: str, title: str, date: dt.date | None) -> bytes:
    """A Word document from blocks with `kind` h1, h2, p, todo or table (see `biotm.report.dpia.Block`)."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4, as the PDF
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    for name, size in (("Normal", 10.0), ("Heading 1", 17.0), ("Heading 2", 13.0), ("Table Grid", 8.5)):
        _fonts(document.styles[name], size)
    footer = section.footer.paragraphs[0]
    footer.add_run(_text(title) + " · page ")
    _page_field(footer)

    for block in blocks:
        if block.kind in ("h1", "h2"):
            document.add_heading(_text(block.text), level=1 if block.kind == "h1" else 2)
        elif block.kind == "todo":
            paragraph = document.add_paragraph()
            mark = paragraph.add_run(f"{todo}: ")
            mark.bold = True
            mark.font.color.rgb = _TODO_INK
            paragraph.add_run(_text(block.text))
            _shade(paragraph, _TODO_FILL)
        elif block.kind == "table":
            _table(document, block.header, block.rows)
        else:
            document.add_paragraph(_text(block.text))

    moment = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC) if date else EPOCH
    properties = document.core_properties
    properties.title = _text(title)
    properties.author = properties.last_modified_by = "biotm"
    properties.comments = ""
    properties.revision = 1
    properties.created = properties.modified = moment
    package = document.part.package
    for key, relation in list(package.rels.items()):
        if relation.reltype == RELATIONSHIP_TYPE.THUMBNAIL:  # python-docx's template page, not this document
            del package.rels[key]
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())
