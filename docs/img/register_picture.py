"""Picture of the XLSX register for docs/reports.md (not a LibreOffice or Excel screenshot).

LibreOffice prints a 20-column sheet one narrow column per page, so this renders the first 16 rows of
the Findings sheet as an HTML table mirroring the workbook (stored values in General format, its column
widths, header fill and bold), for a headless chromium screenshot:

    biotm analyze scenarios/china-sim-registration.yaml -o register.xlsx --today 2026-01-01
    python docs/img/register_picture.py && chromium --headless --hide-scrollbars --window-size=1500,440 \
        --screenshot=docs/img/xlsx-register.png sheet.html
"""
import html, openpyxl
from openpyxl.utils import get_column_letter
wb = openpyxl.load_workbook("register.xlsx")
ws = wb[wb.sheetnames[0]]
widths = [int((ws.column_dimensions[get_column_letter(i + 1)].width or 10) * 6.3) for i in range(ws.max_column)]
css = ('body{margin:0;font:12px Carlito,Calibri,"Noto Sans",sans-serif;background:#fff}'
       'table{border-collapse:collapse;table-layout:fixed}td,th{border:1px solid #d0d7de;padding:2px 4px;'
       'white-space:nowrap;overflow:hidden;height:18px}.rh{background:#f3f3f3;color:#555;text-align:center}'
       '.tabs{font:12px sans-serif;padding:4px 8px;background:#f3f3f3;border-top:1px solid #ccc}'
       '.tabs span{padding:2px 10px;margin-right:4px;border:1px solid #ccc;background:#fff}.on{font-weight:bold}')
out = [f'<html><head><meta charset="utf-8"><style>{css}</style></head><body>',
       f'<table style="width:{30 + sum(widths)}px"><colgroup><col style="width:30px">'
       + "".join(f'<col style="width:{w}px">' for w in widths) + "</colgroup>",
       '<tr><th class="rh"></th>' + "".join(f'<th class="rh">{get_column_letter(i + 1)}</th>'
                                            for i in range(ws.max_column)) + "</tr>"]
for r, row in enumerate(ws.iter_rows(min_row=1, max_row=16), start=1):
    cells = []
    for c in row:
        style = []
        if c.fill is not None and c.fill.fill_type == "solid":
            style.append(f"background:#{str(c.fill.fgColor.rgb)[-6:]}")
        if c.font is not None and c.font.b:
            style.append("font-weight:bold")
        if isinstance(c.value, (int, float)):
            style.append("text-align:right")
        value = "" if c.value is None else str(c.value)
        cells.append(f'<td style="{";".join(style)}">{html.escape(value)}</td>')
    out.append(f'<tr><td class="rh">{r}</td>' + "".join(cells) + "</tr>")
out.append('</table><div class="tabs">' + "".join(f'<span class="{"on" if i == 0 else ""}">{html.escape(n)}</span>'
                                                    for i, n in enumerate(wb.sheetnames)) + "</div></body></html>")
open("sheet.html", "w", encoding="utf-8").write("\n".join(out))
