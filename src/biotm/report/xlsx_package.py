"""The XLSX package of a register: sheets of strings and numbers with a bold header row, wrapped columns of
set widths, a frozen header and a filter, and nothing else (no formulas, links, dates or themes).

Written by hand, not with a spreadsheet library, because a register is a plain table and the library's
per-cell work was most of the time of the whole `biotm analyze` on the densest models (8 of 19 s for
1.2 million cells). The parts and their attributes follow what XlsxWriter writes for the same workbook, which
Excel, LibreOffice and openpyxl read. The same sheets give the same bytes: entries carry the ZIP epoch and
the properties the date given.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from biotm.report.csv_report import FORMULA_STARTS

#: What one cell holds at most, in UTF-16 code units (Excel's limit); longer text is cut and says so.
CELL_CHARS = 32_767
CUT_MARK = " … (cut at Excel's 32,767 characters a cell)"
#: Rows of one worksheet, the header included (Excel's limit).
SHEET_ROWS = 1_048_576

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Style ids into cellXfs below: 0 the default, 1 wrapped and top-aligned (every column), 2 the header,
# 3 wrapped with Excel's quote prefix (text that a spreadsheet would read as a formula when retyped).
_WRAP, _HEADER, _QUOTED = 1, 2, 3
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDFE6EC"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1" quotePrefix="1">'
    '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/>'
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
    "</styleSheet>"
)
#: Characters XML 1.0 cannot hold: in a cell as Excel's `_xHHHH_` escape (with a literal `_xHHHH_` escaped
#: itself, so it reads back as written); elsewhere (document properties) as U+FFFD.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_UNWRITABLE = re.compile(_ILLEGAL.pattern + r"|_(?=x[0-9A-Fa-f]{4}_)")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: column titles with their widths (in characters), then rows of str, int or float values.

    An empty string leaves its cell out (it takes the column's format); rows past Excel's limit are the
    caller's to cut (`SHEET_ROWS`)."""

    name: str
    columns: Sequence[tuple[str, int]]
    rows: Sequence[Sequence[str | int | float]]


@dataclass(frozen=True)
class Properties:
    """The document properties a spreadsheet shows under File > Info."""

    title: str
    subject: str
    author: str
    comments: str
    created: dt.datetime
    custom: Sequence[tuple[str, str]] = ()


def _escape_char(match: re.Match[str]) -> str:
    return "_x005F_" if match.group() == "_" else f"_x{ord(match.group()):04X}_"


def _xml_text(text: str) -> str:
    return _ILLEGAL.sub("\ufffd", text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _cell_text(text: str) -> str:
    return _UNWRITABLE.sub(_escape_char, text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _attribute(text: str) -> str:
    return _xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def fitted(text: str) -> str:
    """`text`, cut with a note when it is longer than one cell holds."""
    if len(text) <= CELL_CHARS // 2 or len(text.encode("utf-16-le")) // 2 <= CELL_CHARS:
        return text
    room, units = CELL_CHARS - len(CUT_MARK), 0
    for keep, char in enumerate(text):  # astral characters take two code units
        units += 2 if ord(char) > 0xFFFF else 1
        if units > room:
            return text[:keep] + CUT_MARK
    return text  # not reached: the text is longer than `room` units


def column_letters(index: int) -> str:
    """A1-style letters of the 0-based column `index`: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _width(characters: int) -> float:
    # Excel's stored width of a column `characters` digits wide in Calibri 11 (7-pixel digits, 5 pixels padding)
    return int((characters * 7 + 5) / 7 * 256) / 256


class _Strings:
    """The shared-strings table: each distinct text once, cells point at it by index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.uses = 0

    def xml(self) -> str:
        parts = [f'<sst xmlns="{_MAIN}" count="{self.uses}" uniqueCount="{len(self.index)}">']
        for text in self.index:  # dicts keep insertion order, which is the indexes' order
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            parts.append(f"<si><t{space}>{_cell_text(text)}</t></si>")
        parts.append("</sst>")
        return "".join(parts)


def _sheet_xml(sheet: Sheet, strings: _Strings, selected: bool) -> str:
    letters = [column_letters(c) for c in range(len(sheet.columns))]
    last = f"{letters[-1]}{max(len(sheet.rows), 1) + 1}" if letters else "A1"
    tab = ' tabSelected="1"' if selected else ""
    parts = [
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><dimension ref="A1:{last}"/>',
        f'<sheetViews><sheetView{tab} workbookViewId="0">',
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>',
        '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>',
    ]
    if sheet.columns:
        parts.append("<cols>")
        parts.extend(
            f'<col min="{c}" max="{c}" width="{_width(width)}" style="{_WRAP}" customWidth="1"/>'
            for c, (_, width) in enumerate(sheet.columns, start=1)
        )
        parts.append("</cols>")
    parts.append("<sheetData>")
    index = strings.index
    header = "".join(
        f'<c r="{letters[c]}1" s="{_HEADER}" t="s"><v>{index.setdefault(title, len(index))}</v></c>'
        for c, (title, _) in enumerate(sheet.columns)
    )
    parts.append(f'<row r="1">{header}</row>')
    uses = len(sheet.columns)
    # The hot loop of a dense model's register (1.2 million cells): one f-string a cell, strings looked up in
    # the table's dict, numbers told apart with one tuple isinstance.
    append = parts.append
    for r, row in enumerate(sheet.rows, start=2):
        append(f'<row r="{r}">')
        for c, value in enumerate(row):
            if isinstance(value, str):
                if not value:
                    continue
                at = index.get(value)
                if at is None:
                    at = index[value] = len(index)
                style = _QUOTED if value.startswith(FORMULA_STARTS) else _WRAP
                append(f'<c r="{letters[c]}{r}" s="{style}" t="s"><v>{at}</v></c>')
                uses += 1
            else:
                append(f'<c r="{letters[c]}{r}" s="{_WRAP}"><v>{value:.16G}</v></c>')
        append("</row>")
    strings.uses += uses
    parts.append(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>')
    return "".join(parts)


def _core(properties: Properties) -> str:
    stamp = properties.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    author = _xml_text(properties.author)
    return (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_xml_text(properties.title)}</dc:title><dc:subject>{_xml_text(properties.subject)}</dc:subject>"
        f"<dc:creator>{author}</dc:creator><dc:description>{_xml_text(properties.comments)}</dc:description>"
        f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
    )


def _app(sheets: Sequence[Sheet]) -> str:
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    names = "".join(f"<vt:lpstr>{_xml_text(s.name)}</vt:lpstr>" for s in sheets)
    return (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        f'xmlns:vt="{vt}">'
        "<Application>biotm</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>'
        f"<vt:variant><vt:i4>{len(sheets)}</vt:i4></vt:variant></vt:vector></HeadingPairs>"
        f'<TitlesOfParts><vt:vector size="{len(sheets)}" baseType="lpstr">{names}</vt:vector></TitlesOfParts>'
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
        "</Properties>"
    )


def _custom(properties: Properties) -> str:
    entries = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{_attribute(name)}">'
        f"<vt:lpwstr>{_xml_text(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.custom, start=2)
    )
    return (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{entries}</Properties>'
    )


def _workbook(sheets: Sequence[Sheet]) -> str:
    entries = "".join(
        f'<sheet name="{_attribute(s.name)}" sheetId="{n}" r:id="rId{n}"/>' for n, s in enumerate(sheets, start=1)
    )
    # in Excel's own order of defined names (by sheet name here, the names being alike), as XlsxWriter wrote them
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">{_xml_text(_quoted_sheet(s.name))}'
        f"!$A$1:${column_letters(max(len(s.columns), 1) - 1)}${max(len(s.rows), 1) + 1}</definedName>"
        for n, s in sorted(enumerate(sheets), key=lambda entry: entry[1].name.lower())
    )
    return (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
        f"<sheets>{entries}</sheets><definedNames>{filters}</definedNames></workbook>"
    )


def _quoted_sheet(name: str) -> str:
    return name if name.isalnum() else "'" + name.replace("'", "''") + "'"


def _relationships(targets: Sequence[tuple[str, str]]) -> str:
    """A relationships part: (type URI, target) each, numbered rId1, rId2, ... in order."""
    entries = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(targets, start=1)
    )
    return f'<Relationships xmlns="{_PKG_REL}">{entries}</Relationships>'


def _content_types(sheets: int, custom: bool) -> str:
    office = "application/vnd.openxmlformats-officedocument"
    overrides = [
        ("/docProps/app.xml", f"{office}.extended-properties+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/xl/styles.xml", f"{office}.spreadsheetml.styles+xml"),
        ("/xl/workbook.xml", f"{office}.spreadsheetml.sheet.main+xml"),
        *((f"/xl/worksheets/sheet{n}.xml", f"{office}.spreadsheetml.worksheet+xml") for n in range(1, sheets + 1)),
        ("/xl/sharedStrings.xml", f"{office}.spreadsheetml.sharedStrings+xml"),
        *((("/docProps/custom.xml", f"{office}.custom-properties+xml"),) if custom else ()),
    ]
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{part}" ContentType="{kind}"/>' for part, kind in overrides)
        + "</Types>"
    )


def workbook(sheets: Sequence[Sheet], properties: Properties) -> bytes:
    """The XLSX file of `sheets`, the first one selected."""
    strings = _Strings()
    sheet_parts = [_sheet_xml(s, strings, n == 0) for n, s in enumerate(sheets)]
    root = [
        (f"{_REL}/officeDocument", "xl/workbook.xml"),
        (f"{_PKG_REL}/metadata/core-properties", "docProps/core.xml"),
        (f"{_REL}/extended-properties", "docProps/app.xml"),
        *(((f"{_REL}/custom-properties", "docProps/custom.xml"),) if properties.custom else ()),
    ]
    book_rels = [(f"{_REL}/worksheet", f"worksheets/sheet{n}.xml") for n in range(1, len(sheets) + 1)]
    book_rels += [(f"{_REL}/styles", "styles.xml"), (f"{_REL}/sharedStrings", "sharedStrings.xml")]
    parts = [
        ("[Content_Types].xml", _content_types(len(sheets), bool(properties.custom))),
        ("_rels/.rels", _relationships(root)),
        ("docProps/app.xml", _app(sheets)),
        ("docProps/core.xml", _core(properties)),
        *((("docProps/custom.xml", _custom(properties)),) if properties.custom else ()),
        ("xl/workbook.xml", _workbook(sheets)),
        ("xl/_rels/workbook.xml.rels", _relationships(book_rels)),
        ("xl/styles.xml", _STYLES),
        ("xl/sharedStrings.xml", strings.xml()),
        *((f"xl/worksheets/sheet{n}.xml", xml) for n, xml in enumerate(sheet_parts, start=1)),
    ]
    buffer = io.BytesIO()
    # level 1: a third of the time of the default level for a quarter more bytes (63 MB of XML: 0.2 s, not 0.7 s)
    with zipfile.ZipFile(buffer, "w") as package:
        for name, xml in parts:
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # the ZIP epoch: no clock in the bytes
            package.writestr(entry, _DECLARATION + xml, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return buffer.getvalue()
