"""The PDF's paragraph styles and text escaping: model text as inert ReportLab markup, CJK runs in a CID font."""

from __future__ import annotations

import re

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph

from biotm.report import view

CJK_FONT = "STSong-Light"
_WIDE = re.compile(r"([^\x00-\x7f\u00a0-\u00ff]+)")

_styles = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontName="Helvetica", fontSize=9.5, leading=12.5)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10, textColor=colors.HexColor("#455a64"))
H1 = ParagraphStyle("h1", parent=_styles["Heading1"], fontName="Helvetica-Bold", fontSize=17, spaceAfter=8)
H2 = ParagraphStyle("h2", parent=_styles["Heading2"], fontName="Helvetica-Bold", fontSize=13, spaceBefore=8)
H3 = ParagraphStyle("h3", parent=_styles["Heading3"], fontName="Helvetica-Bold", fontSize=10.5, spaceBefore=6,
                    spaceAfter=2)
TITLE = ParagraphStyle("title", parent=H1, fontSize=26, leading=32, alignment=TA_CENTER, spaceAfter=14)
CENTRE = ParagraphStyle("centre", parent=BODY, alignment=TA_CENTER, fontSize=11, leading=15)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8, leading=9.8)


#: The standard faces biotm's paragraphs, tables and charts are set in.
LATIN_FACES = ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique")
#: Widths a measured font keeps before it starts over (a 132-page report measures some 60,000 distinct runs).
WIDTHS_KEPT = 200_000


class MeasuredFont(pdfmetrics.Font):
    """A standard font that remembers the width of each run it measured. ReportLab measures every word of a
    paragraph each time it wraps it (a table cell for its height, again where the table splits), in pure
    Python: 526,000 measurements on a 132-page report, most of them repeats, a fifth of its rendering."""

    def __init__(self, name: str) -> None:
        super().__init__(name, name, rl_config.defaultEncoding)
        self._widths: dict[tuple[str | bytes, float, str], float] = {}

    def stringWidth(self, text: str | bytes, size: float, encoding: str = "utf8") -> float:
        key = (text, size, encoding)
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) >= WIDTHS_KEPT:
                self._widths.clear()
            width = self._widths[key] = super().stringWidth(text, size, encoding)
        return width


def prepare_reportlab() -> None:
    """Set ReportLab up for a biotm document: the CJK font registered, the Latin faces measured once per run
    (`MeasuredFont`: the same widths, so the same layout), and streams left binary.

    ReportLab's default wraps every compressed stream (page contents, the diagram's PNG) in ASCII85 text, in
    pure Python: a 130-page report with a 1 MB diagram spent about 0.3 s on it and grew by a quarter. Readers
    take binary streams alike. (Process-wide settings: biotm's PDFs are the only documents it makes.)"""
    rl_config.useA85 = 0
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    for face in LATIN_FACES:
        if not isinstance(pdfmetrics.getFont(face), MeasuredFont):
            pdfmetrics.registerFont(MeasuredFont(face))


def esc(text: object) -> str:
    """Model text as inert paragraph markup: printable, `& < >` escaped, wide runs in the CJK font."""
    flat = " ".join(view.printable(str(text)).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _WIDE.sub(lambda m: f'<font name="{CJK_FONT}">{m.group(1)}</font>', flat)


def script_runs(text: str) -> list[str]:
    """`text` cut where it changes between Latin and wide (CJK) characters, so each run takes its own font."""
    return [run for run in _WIDE.split(text) if run]


def font_for(text: str) -> str:
    return CJK_FONT if _WIDE.search(text) else "Helvetica"


def para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of already escaped markup."""
    return Paragraph(text, style)
