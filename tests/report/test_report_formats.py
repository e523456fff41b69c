"""Every report format: from the CLI, deterministic, complete, and inert on hostile model text."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_support import FIXTURES, SCENARIOS, XSS_IMG, XSS_SCRIPT

from biotm.cli import cli
from biotm.report import FORMATS, csv_report, dot, markdown, mermaid, renderer, svg
from biotm.report.diagram import layout
from biotm.result import AuditResult

MODELS = [FIXTURES / "minimal.yaml", *sorted(SCENARIOS.glob("*.yaml"))]
TEXT_FORMATS = ["markdown", "html", "sarif", "csv"]


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_cli_writes_each_format_byte_identically(model: Path, fmt: str, tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / f"{name}.{fmt}"
        run = runner.invoke(cli, ["analyze", str(model), "--format", fmt, "-o", str(out), "--fail-on", "none",
                                  "--today", "2026-01-01"])
        assert run.exit_code == 0, run.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].strip()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_renderers_are_deterministic_on_a_populated_result(rich_result: AuditResult, fmt: str) -> None:
    copy = AuditResult.model_validate_json(rich_result.model_dump_json())
    assert renderer(fmt)(rich_result) == renderer(fmt)(copy)


def test_markdown_has_every_section_and_a_row_per_finding(rich_result: AuditResult) -> None:
    text = markdown.render(rich_result)
    for heading in ("| Biometric risk audit |", "| date of the audit |", "## Management summary", "## Charts",
                    "## In numbers", "### Top risks", "## Data-flow diagram", "```mermaid", "## Elements",
                    "## Data items and where biometric data travel and rest",
                    "## Findings by severity", "## Identity-theft chains", "## Attack paths", "## Mitigation plan",
                    "## Regulations by article", "## Data lineage", "## Appendix: the model"):
        assert heading in text, heading
    for finding in rich_result.findings:
        assert sum(1 for line in text.splitlines() if line.startswith(f"| `{finding.id}` |")) == 1
    # every table row has as many cells as its header
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("|---"):
            width = lines[index - 1].count(" | ")
            body = lines[index + 1 :]
            for row in body[: next((i for i, r in enumerate(body) if not r.startswith("|")), len(body))]:
                assert len(re.findall(r"(?<!\\)\|", row)) == width + 2, row
    chain = rich_result.chains[0]
    first, second = chain.steps[:2]
    assert f"1. The attacker can {markdown.text(first.action)}, getting `face_image`, `id_number` (likelihood" in text
    at = f"2. At `{second.verifier}` (`{second.verification}`), the attacker can"
    assert f"{at} {markdown.text(second.action)}" in text


def test_markdown_escapes_tables_code_and_html(hostile_result: AuditResult) -> None:
    text = markdown.render(hostile_result)
    assert XSS_SCRIPT not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert markdown.text("a | b `c` [x](javascript:1)") == "a \\| b \\`c\\` \\[x\\](javascript:1)"
    # text that starts a line cannot become a heading, list item or underline
    assert [markdown.text(t) for t in ("# h", "- i", "1. n", "===")] == ["\\# h", "\\- i", "1\\. n", "\\==="]
    assert [markdown.text(t) for t in ("---", "12) a", "+ x")] == ["\\---", "12\\) a", "\\+ x"]
    # ...and nothing else is: a version or a date is no list marker without the space after it
    assert [markdown.text(t) for t in ("2019.12", "0.1.0", "-x", "#h")] == ["2019.12", "0.1.0", "-x", "#h"]


def test_html_is_self_contained_with_a_strict_csp(rich_result: AuditResult) -> None:
    from biotm.report import html
    from biotm.report.templates import asset

    page = html.render(rich_result)
    head = page[: page.index("</head>")]
    assert head.index('http-equiv="Content-Security-Policy"') < head.index("<style>")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', head)
    assert csp is not None
    policy_text = unescape(csp.group(1))
    policy = dict(part.strip().split(" ", 1) for part in policy_text.split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == html.csp_hash(asset("report.js"))
    assert "unsafe" not in policy_text
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert scripts == [asset("report.js")]
    # nothing fetched from anywhere: no URLs except the SVG namespace, no external references
    assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"]
    assert not re.search(r"<(link|iframe|object|embed|img)\b", page)
    assert not re.search(r"\son[a-z]+\s*=", page)
    for finding in rich_result.findings:
        assert f'<article class="finding" id="{finding.id}">' in page
    assert page.count("<tr><td data-sort=") == len(rich_result.findings)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="dfd"' in page


def test_html_heat_map_counts_open_findings(rich_result: AuditResult) -> None:
    from biotm.report.html import heat_map

    cells = [cell for row in heat_map(rich_result) for cell in row.cells]
    assert sum(len(c.ids) for c in cells) == sum(1 for f in rich_result.findings if f.status == "open")
    top_row = heat_map(rich_result)[0]
    assert top_row.label == "very high"


@pytest.mark.parametrize("fmt", ["html", "markdown", "svg", "mermaid", "dot"])
def test_hostile_names_never_reach_output_as_markup(hostile_result: AuditResult, fmt: str) -> None:
    render = {"html": renderer("html"), "markdown": markdown.render, "svg": svg.render, "mermaid": mermaid.render,
              "dot": dot.render}[fmt]
    text = render(hostile_result)
    assert XSS_SCRIPT not in text
    assert XSS_IMG not in text
    assert not re.search(r"<img\b", text)
    if fmt in ("html", "svg"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert not re.search(r"<script>(?!\(function)", text)


def test_dot_and_mermaid_quote_every_label(hostile_result: AuditResult) -> None:
    assert dot.quote('a"b\\c\n<d>') == '"a\\"b\\\\c &lt;d&gt;"'
    assert mermaid.label('say "hi" <b>#1</b> | `x`') == "say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt; #124; #96;x#96;"
    for line in mermaid.render(hostile_result).splitlines():
        assert "<" not in line and '"' not in line.replace('["', "").replace('"]', "").replace('("', "").replace(
            '")', "").replace('|"', "").replace('"|', "")


def test_csv_has_one_row_per_finding_and_defuses_formulas(rich_result: AuditResult) -> None:
    rows = list(csv.reader(io.StringIO(csv_report.render(rich_result))))
    assert tuple(rows[0]) == csv_report.COLUMNS
    assert [r[0] for r in rows[1:]] == [f.id for f in rich_result.findings]
    first = dict(zip(rows[0], rows[1], strict=True))
    finding = rich_result.findings[0]
    assert first["severity"] == finding.severity
    assert first["places"] == "; ".join(finding.places)
    assert finding.location is not None and first["line"] == str(finding.location.line)
    hostile = rich_result.findings[0].model_copy(update={"title": "=HYPERLINK(\"x\")", "evidence": "@SUM(A1)",
                                                          "data": ["-1+2"]})
    cells = dict(zip(csv_report.COLUMNS, csv_report.row(rich_result, hostile), strict=True))
    assert cells["title"] == "'=HYPERLINK(\"x\")"
    assert cells["evidence"] == "'@SUM(A1)"
    assert cells["data"] == "'-1+2"


def test_diagram_nests_zones_and_colours_flows(tmp_path: Path) -> None:
    from report_support import audited, populate

    nested = (FIXTURES / "minimal.yaml").read_text().replace(
        "  - id: core\n", "  - id: core\n    parent: shop\n")
    path = tmp_path / "nested.yaml"
    path.write_text(nested)
    result = populate(audited(path))
    diagram = layout(result)
    shop, core = diagram.zones["shop"], diagram.zones["core"]
    assert core.parent == "shop"
    assert shop.x < core.x and shop.y < core.y
    assert core.x + core.w <= shop.x + shop.w and core.y + core.h <= shop.y + shop.h
    for node in diagram.nodes.values():
        zone = diagram.zones[node.zone]
        assert zone.x <= node.x and node.x + 160 <= zone.x + zone.w
        assert zone.y <= node.y and node.y + 46 <= zone.y + zone.h
    edges = {e.id: e for e in diagram.edges}
    assert edges["liveness"].severity == "critical"  # the critical plaintext-flow finding sits on it
    assert edges["capture"].severity == "none"
    assert diagram.nodes["archive"].biometric_store
    picture = svg.builtin_svg(diagram)  # the built-in layout; Graphviz's is tested in test_report_diagram.py
    assert picture.count('class="bio-store-mark"') == 1
    assert 'data-flow="liveness"' in picture and 'stroke="#b71c1c"' in picture


def test_what_if_deltas_are_shown_when_controls_are_assumed(rich_result: AuditResult) -> None:
    from biotm.result import WhatIfDelta

    finding = rich_result.findings[1]
    delta = WhatIfDelta(finding=finding.id, rule=finding.rule, before="critical", after=None, risk_before=0.85,
                        risk_after=0.0)
    assumed = rich_result.model_copy(update={"what_if": ["liveness:encryption-in-transit"], "what_if_deltas": [delta]})
    text = markdown.render(assumed)
    assert f"| `{finding.id}` | `{finding.rule}` | critical | gone | 0.85 → 0.00 |" in text
    page = renderer("html")(assumed)
    assert '<section id="what-if">' in page and f"<td><code>{finding.id}</code></td>" in page
    assert '<section id="what-if">' not in renderer("html")(rich_result)


CONTROL_NAMES = "minimal \\e[31mred\\e]8;;http://x\\a \\x9b \\u202eevil"


def text_of(yaml_double_quoted: str) -> str:
    import yaml

    value: str = yaml.safe_load(f'"{yaml_double_quoted}"')
    return value


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html", "sarif", "csv", "svg", "dot", "mermaid"])
def test_control_and_bidi_characters_never_reach_a_report(minimal_path: Path, tmp_path: Path, fmt: str) -> None:
    import xml.etree.ElementTree as ET

    from biotm.cli import cli

    model = tmp_path / "control.yaml"
    text = minimal_path.read_text(encoding="utf-8").replace("  name: minimal", f'  name: "{CONTROL_NAMES}"')
    model.write_text(text.replace("  - id: matcher\n", f'  - id: matcher\n    name: "{CONTROL_NAMES}"\n'))
    out = tmp_path / f"out.{fmt}"
    command = ["diagram", str(model), "-f", fmt] if fmt in ("svg", "dot", "mermaid") else \
        ["analyze", str(model), "-f", fmt, "--fail-on", "none"]
    run = CliRunner().invoke(cli, [*command, "-o", str(out)])
    assert run.exit_code == 0, run.output
    written = out.read_text(encoding="utf-8")
    if fmt in ("sarif", "csv"):  # these show findings only: give the findings the hostile text
        from report_support import audited, populate

        result = populate(audited(model))
        raw = text_of(CONTROL_NAMES)
        result = result.model_copy(update={"findings": [f.model_copy(update={"title": raw, "evidence": raw})
                                                        for f in result.findings]})
        written = renderer(fmt)(result)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", written)
    if fmt == "sarif":  # SARIF escapes a bracket that is no link (3.11.6); a viewer shows it plain
        written = written.replace("\\\\[", "[")
    assert "\\x1b[31mred" in written.replace("\\\\x1b", "\\x1b")  # shown, not dropped
    if fmt == "svg":
        ET.fromstring(written.split("\n", 1)[1])  # still well-formed XML
