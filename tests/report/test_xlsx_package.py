"""The hand-written XLSX package: what goes into a cell comes back out of a spreadsheet reader unchanged,
every part is well-formed XML, and the limits of a worksheet are kept and said."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from report_support import FIXTURES, audited

from biotm.report import xlsx, xlsx_package
from biotm.report.xlsx_package import Properties, Sheet

PROPERTIES = Properties(
    title="Risk register: <A & B>", subject="biotm audit", author="Zoë \"x\"", comments="biotm 0.1.0",
    created=dt.datetime(2026, 1, 2), custom=(("biotm version", "0.1.0"),),
)


def _book(data: bytes):  # type: ignore[no-untyped-def]
    openpyxl = pytest.importorskip("openpyxl")
    return openpyxl.load_workbook(io.BytesIO(data))


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


TEXTS = [
    "plain", " leading space", "trailing space ", "a & b < c > d \"quoted\" 'single'", "two\nlines\tand a tab",
    "_x0041_ is not A", "face 人脸 😀 astral", "=1+2", "-minus", "@at", "x" * 1000,
]


def test_text_and_numbers_come_back_as_written() -> None:
    numbers = [0, 1, -3, 0.1, 1e-05, 0.349, 300_000_000, 12345678901234, 2.5, 7, 1e100]
    rows: list[list[str | int | float]] = [[t, n] for t, n in zip(TEXTS, numbers, strict=True)]
    data = xlsx_package.workbook([Sheet("Findings", (("text", 20), ("number", 10)), rows)], PROPERTIES)
    sheet = _book(data)["Findings"]
    read = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert read == rows
    assert [c.value for c in sheet[1]] == ["text", "number"]


def test_every_part_is_well_formed_xml_and_the_unwritable_characters_are_escaped() -> None:
    hostile = "nul\x00 bell\x07 esc\x1b noncharacter\ufffe\uffff"
    data = xlsx_package.workbook([Sheet("Findings", (("text", 20),), [[hostile]])], PROPERTIES)
    for body in _parts(data).values():
        ElementTree.fromstring(body)  # raises on anything XML 1.0 cannot hold
    strings = _parts(data)["xl/sharedStrings.xml"].decode()
    assert "nul_x0000_ bell_x0007_ esc_x001B_ noncharacter_xFFFE__xFFFF_" in strings


def test_a_literal_escape_sequence_is_escaped_itself() -> None:
    data = xlsx_package.workbook([Sheet("S", (("t", 5),), [["_x0041_"]])], PROPERTIES)
    assert "_x005F_x0041_" in _parts(data)["xl/sharedStrings.xml"].decode()  # Excel reads it back as "_x0041_"


def test_formula_like_text_gets_the_quote_prefix_and_the_rest_wraps() -> None:
    rows: list[list[str | int | float]] = [["=HYPERLINK(\"http://evil\")", "+1", "plain", 3]]
    sheet = _book(xlsx_package.workbook([Sheet("S", (("a", 5), ("b", 5), ("c", 5), ("d", 5)), rows)],
                                        PROPERTIES))["S"]
    a, b, c, d = sheet[2]
    assert a.quotePrefix and b.quotePrefix and not c.quotePrefix and not d.quotePrefix
    assert all(cell.alignment.wrap_text for cell in (a, b, c, d))
    assert all(cell.font.b for cell in sheet[1]) and not c.font.b
    assert sheet.column_dimensions["A"].width == pytest.approx(5.7109375)


def test_empty_text_leaves_the_cell_out() -> None:
    data = xlsx_package.workbook([Sheet("S", (("a", 5), ("b", 5)), [["", "x"]])], PROPERTIES)
    sheet_xml = _parts(data)["xl/worksheets/sheet1.xml"].decode()
    assert 'r="A2"' not in sheet_xml and 'r="B2"' in sheet_xml


def test_sheets_are_frozen_filtered_and_named_even_with_spaces_and_quotes() -> None:
    sheets = [Sheet("Findings", (("a", 5),), [["x"], ["y"]]), Sheet("Bob's plan", (("a", 5), ("b", 5)), [])]
    data = xlsx_package.workbook(sheets, PROPERTIES)
    book = _book(data)
    assert book.sheetnames == ["Findings", "Bob's plan"]
    assert book["Findings"].freeze_panes == "A2" and book["Bob's plan"].freeze_panes == "A2"
    assert book["Findings"].auto_filter.ref == "A1:A3" and book["Bob's plan"].auto_filter.ref == "A1:B2"
    assert "'Bob''s plan'!$A$1:$B$2" in _parts(data)["xl/workbook.xml"].decode()
    assert book.properties.title == "Risk register: <A & B>" and book.properties.creator == "Zoë \"x\""
    assert book.properties.created == dt.datetime(2026, 1, 2)


def test_the_same_sheets_give_the_same_bytes() -> None:
    sheets = [Sheet("S", (("a", 5),), [[t] for t in TEXTS])]
    assert xlsx_package.workbook(sheets, PROPERTIES) == xlsx_package.workbook(sheets, PROPERTIES)
    with zipfile.ZipFile(io.BytesIO(xlsx_package.workbook(sheets, PROPERTIES))) as package:
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ"),
                                                (702, "AAA"), (16383, "XFD")])
def test_column_letters(index: int, letters: str) -> None:
    assert xlsx_package.column_letters(index) == letters


@pytest.mark.parametrize("unit", ["x", "😀"])
def test_text_longer_than_a_cell_is_cut_and_says_so(unit: str) -> None:
    long = unit * 40_000
    cut = xlsx_package.fitted(long)
    assert cut.endswith(xlsx_package.CUT_MARK)
    assert len(cut.encode("utf-16-le")) // 2 <= xlsx_package.CELL_CHARS
    assert len(cut.encode("utf-16-le")) // 2 > xlsx_package.CELL_CHARS - len(xlsx_package.CUT_MARK) - 2
    fits = unit * (xlsx_package.CELL_CHARS // (len(unit.encode("utf-16-le")) // 2))
    assert xlsx_package.fitted(fits) == fits


def test_rows_past_the_sheet_limit_end_in_one_row_that_counts_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_package, "SHEET_ROWS", 5)  # header + 4 rows
    cells = xlsx._cells([[f"finding {n}", n] for n in range(10)])
    assert [c[0] for c in cells[:3]] == ["finding 0", "finding 1", "finding 2"]
    assert len(cells) == 4
    assert cells[-1] == ["… and 7 more rows than a worksheet holds: the JSON report lists every one."]
    assert xlsx._cells([[f"finding {n}"] for n in range(4)])[-1] == ["finding 3"]  # exactly full: nothing cut


def test_document_properties_keep_a_literal_escape_and_replace_what_xml_cannot_hold() -> None:
    properties = Properties(title="Risk register: _x0041_ \ufffe", subject="s", author="a", comments="c",
                            created=dt.datetime(2026, 1, 2))
    data = xlsx_package.workbook([Sheet("S", (("a", 5),), [])], properties)
    ElementTree.fromstring(_parts(data)["docProps/core.xml"])
    assert _book(data).properties.title == "Risk register: _x0041_ \ufffd"  # no cell escapes outside cells


def test_control_and_bidi_characters_in_model_text_are_shown_as_escapes_in_the_register(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    model = tmp_path / "control.yaml"
    model.write_text(text.replace("  - id: matcher\n", '  - id: matcher\n    name: "m \\e[31mred \\u202eevil"\n'),
                     encoding="utf-8")
    data = xlsx.render(audited(model))
    strings = _parts(data)["xl/sharedStrings.xml"].decode()
    assert "m \\x1b[31mred \\u202eevil" in strings
    assert not any(char in strings for char in "\x1b\u202e")
