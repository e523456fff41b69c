"""Every format on random valid models (tests/strategies.py): renders, stays well-formed, stays inert.

Names are drawn from all of Unicode, so markup, quotes, pipes and control characters turn up.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from typing import Any

from hypothesis import HealthCheck, given, settings
from strategies import load_dict, models

from biotm.pipeline import AuditOptions, audit
from biotm.report import BINARY_FORMATS, FORMATS, dot, mermaid, renderer, svg, xlsx
from biotm.report.templates import asset

TODAY = dt.date(2026, 1, 1)


class Tags(HTMLParser):
    """Every element and attribute name a browser would see in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.add(tag)
        self.attributes.update(name for name, _ in attrs)
FEW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FEW
@given(models())
def test_every_format_renders_well_formed_and_inert(model: dict[str, Any]) -> None:
    result = audit(load_dict(model), AuditOptions(today=TODAY))
    # PDF and XLSX are bytes with their own escaping tests (test_report_deliverables.py)
    outputs = {name: str(renderer(name)(result)) for name in sorted(FORMATS) if name not in BINARY_FORMATS}
    outputs.update({"svg": svg.render(result), "dot": dot.render(result), "mermaid": mermaid.render(result)})
    unprintable = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    for name, text in outputs.items():
        if name != "json":  # JSON is the result itself, text verbatim
            assert not unprintable.search(text), name
    ET.fromstring(outputs["svg"].split("\n", 1)[1])
    with zipfile.ZipFile(io.BytesIO(xlsx.render(result))) as package:  # biotm writes the package's XML itself
        for part in package.namelist():
            text = package.read(part).decode("utf-8")
            ET.fromstring(text)
            assert not unprintable.search(text), part
    json.loads(outputs["sarif"])
    page = outputs["html"]
    assert re.findall(r"<script\b[^>]*>", page, re.I) == ["<script>"]
    assert re.findall(r"<script>(.*?)</script>", page, re.S) == [asset("report.js")]
    tags = Tags()
    tags.feed(page)
    assert tags.names.isdisjoint({"img", "iframe", "object", "embed", "link", "base", "form"})
    assert "class" in tags.attributes and not [a for a in tags.attributes if a.startswith("on")]
    lines = outputs["markdown"].splitlines()
    for index, line in enumerate(lines):
        if line.startswith("|---"):
            width = line.count("|")
            for row in lines[index + 1 :]:
                if not row.startswith("|"):
                    break
                assert len(re.findall(r"(?<!\\)\|", row)) == width, row
