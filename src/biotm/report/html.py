"""Self-contained HTML report: inline SVG diagram, heat map, sortable findings, chains as stories.

One file with no network access at all (no CDN, fonts or images), so it opens on an air-gapped
laptop. The template autoescapes every value; on top of that a Content-Security-Policy allows only
the report's own script and style, by hash, so markup that ever slipped through from a model could
still not run a script, load anything or submit a form.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from markupsafe import Markup

from biotm.report import svg, view
from biotm.report.diagram import layout
from biotm.report.templates import asset, environment
from biotm.result import AuditResult, Finding, RegulationRef

BANDS = ("very low", "low", "medium", "high", "very high")


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script or style text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(script: str, style: str) -> str:
    """Nothing but the report's own script and style; images only as data: URIs; no base, forms or frames."""
    return (
        f"default-src 'none'; script-src {csp_hash(script)}; style-src {csp_hash(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'; object-src 'none'"
    )


@dataclass(frozen=True)
class HeatCell:
    level: int
    ids: list[str]


@dataclass(frozen=True)
class HeatRow:
    label: str
    cells: list[HeatCell]


def _band(value: float) -> int:
    return min(int(value * len(BANDS)), len(BANDS) - 1)


def heat_map(result: AuditResult) -> list[HeatRow]:
    """Open findings binned by likelihood (rows, highest first) and impact (columns)."""
    size = len(BANDS)
    grid: list[list[list[str]]] = [[[] for _ in range(size)] for _ in range(size)]
    for finding in result.findings:
        if view.is_open(finding):
            grid[_band(finding.likelihood)][_band(finding.impact)].append(finding.id)
    return [
        HeatRow(BANDS[row], [HeatCell((row + col) // 2, sorted(grid[row][col])) for col in range(size)])
        for row in reversed(range(size))
    ]


def render(result: AuditResult) -> str:
    script = asset("report.js")
    style = asset("report.css")
    def label(place: str) -> str:
        return view.label(result, place)

    def place(finding: Finding) -> str:
        return " → ".join(label(p) for p in finding.places)

    touched = view.findings_by_regulation(result)
    regulations: list[tuple[RegulationRef, list[Finding]]] = [
        (ref, touched.get(ref.id, [])) for ref in sorted(result.regulations, key=lambda r: (r.law, r.article, r.id))
    ]
    counts = view.open_counts(result)
    return environment().get_template("report.html.j2").render(
        r=result,
        s=result.summary,
        m=result.model,
        csp=content_security_policy(script, style),
        css=Markup(style),
        script=Markup(script),
        svg=Markup(svg.render_diagram(layout(result))),
        counts=counts,
        closed=len(result.findings) - sum(counts.values()),
        top=view.top_risks(result),
        groups=view.by_severity(result),
        heat=heat_map(result),
        bands=BANDS,
        regulations=regulations,
        elements=sorted(result.model.elements, key=lambda e: e.id),
        data=sorted(result.model.data, key=lambda d: d.id),
        flows=sorted(result.model.flows, key=lambda f: f.id),
        people=view.people,
        sentence=view.sentence,
        rank=view.severity_rank,
        label=label,
        place=place,
        location=lambda f: view.finding_location(result, f),
        tracking=view.tracking_note,
    )
