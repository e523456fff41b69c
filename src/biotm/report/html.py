"""Self-contained HTML report: inline SVG diagram, heat map, sortable findings, chains as stories.

One file with no network access at all (no CDN, fonts or images), so it opens on an air-gapped
laptop. The template autoescapes every value; on top of that a Content-Security-Policy allows only
the report's own script and style, by hash, so markup that ever slipped through from a model could
still not run a script, load anything or submit a form.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from biotm.report import ReportOptions, charts, summary, svg, view
from biotm.report.diagram import drawn_structure, is_large
from biotm.report.grouping import FindingGroup, by_regulation, group_of, groups, top_groups
from biotm.report.place_names import controls_text, evidence_text, place_joiner, title_text, ways_text
from biotm.report.templates import asset, environment, printable_markup
from biotm.result import AuditResult, Finding, RegulationRef

BANDS = ("very low", "low", "medium", "high", "very high")
#: Chains shown in full; a national model has thousands, most of them the same story at another shop.
CHAIN_LIMIT = 30
#: Places of one finding named before "and N more" (one finding can sit at every shop of a national model).
PLACES_SHOWN = 12
#: Ids listed in one table cell before "and N more".
FEW = 12


def few(ids: list[str]) -> str:
    """At most FEW ids joined, then how many more."""
    if len(ids) <= FEW:
        return ", ".join(ids)
    return ", ".join(ids[:FEW]) + f" and {len(ids) - FEW:,} more"


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
class Where:
    """A shown finding's places as the findings table and its article both print them: names, then ids."""

    names: str
    ids: str


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


def _anchors(every: list[FindingGroup], articles: set[str]) -> Callable[[str], str | None]:
    """Finding id -> the id of the article that shows it (its group's lead), or None when --top left it out:
    the page links only to what it holds. `articles`: the lead ids of the shown groups."""
    owner = group_of(every)

    def anchor(finding_id: str) -> str | None:
        group = owner.get(finding_id)
        lead = group.lead.id if group is not None else finding_id
        return lead if lead in articles else None

    return anchor


def _regulation_links(every: list[FindingGroup], articles: set[str]) -> dict[str, tuple[list[FindingGroup], int]]:
    """Regulation id -> the shown groups touching it (linked) and how many groups touching it are not shown.
    `articles` as in `_anchors`."""
    out: dict[str, tuple[list[FindingGroup], int]] = {}
    for regulation, touching in by_regulation(every).items():
        linked = [group for group in touching if group.lead.id in articles]
        out[regulation] = (linked, len(touching) - len(linked))
    return out


def render(result: AuditResult) -> str:
    return render_with(result, ReportOptions())


def _by_severity(shown: list[FindingGroup]) -> list[tuple[str, list[FindingGroup]]]:
    out: dict[str, list[FindingGroup]] = {}
    for group in shown:
        out.setdefault(group.lead.severity, []).append(group)
    return sorted(out.items(), key=lambda kv: view.severity_rank(kv[0]))


def _more(places: list[str]) -> str:
    return f" and {len(places) - PLACES_SHOWN:,} more" if len(places) > PLACES_SHOWN else ""


_PLACES_SEPARATOR = Markup("; ")


def render_with(result: AuditResult, options: ReportOptions) -> str:
    script = asset("report.js")
    style = asset("report.css")
    def label(place: str) -> str:
        return view.label(result, place)

    def place(finding: Finding) -> str:
        return place_joiner(finding).join(label(p) for p in finding.places[:PLACES_SHOWN]) + _more(finding.places)

    def every_place(group: FindingGroup) -> Markup:
        # Joined here, not looped in the template: a group of a national model has thousands of members.
        return _PLACES_SEPARATOR.join(printable_markup(place(member)) for member in group.findings)

    def place_ids(finding: Finding) -> str:
        return place_joiner(finding, " > ").join(finding.places[:PLACES_SHOWN]) + _more(finding.places)

    touched = view.findings_by_regulation(result)
    regulations: list[tuple[RegulationRef, list[Finding]]] = [
        (ref, touched.get(ref.id, [])) for ref in sorted(result.regulations, key=lambda r: (r.law, r.article, r.id))
    ]
    counts = view.open_counts(result)
    every = groups(result)
    shown = top_groups(every, options.top)
    articles = {group.lead.id for group in shown}
    element_sections, elements_left = summary.element_sections(result, found=every)
    data_sections, data_left = summary.data_sections(result)
    warnings, more_warnings = view.shown_warnings(result)
    return environment().get_template("report.html.j2").render(
        r=result,
        s=result.summary,
        m=result.model,
        csp=content_security_policy(script, style),
        css=Markup(style),
        script=Markup(script),
        svg=Markup(svg.render_diagram(drawn_structure(result))),
        counts=counts,
        closed=len(result.findings) - sum(counts.values()),
        top=view.top_risks(result),
        groups=_by_severity(shown),
        shown=shown,
        where={g.lead.id: Where(place(g.lead), place_ids(g.lead)) for g in shown},
        every=every,
        anchor=_anchors(every, articles),
        options=options,
        heat=heat_map(result),
        bands=BANDS,
        regulations=regulations,
        elements=sorted(result.model.elements, key=lambda e: e.id),
        data=sorted(result.model.data, key=lambda d: d.id),
        flows=sorted(result.model.flows, key=lambda f: f.id),
        people=view.people,
        persons=view.persons,
        sentence=view.sentence,
        rank=view.severity_rank,
        label=label,
        place=place,
        place_ids=place_ids,
        every_place=every_place,
        placed_via=lambda element_id, f: summary.placed_via(result, element_id, f),
        location=lambda f: view.finding_location(result, f),
        tracking=view.tracking_note,
        few=few,
        large=is_large(result),  # the diagram is the zone overview; element and flow tables give way to counts
        chain_limit=CHAIN_LIMIT,
        regulation_groups=_regulation_links(every, articles),
        prose=summary.management_summary(result, every),
        charts=[charts.bar_chart(c) for c in summary.charts(result)],
        element_sections=element_sections,
        elements_left=elements_left,
        data_sections=data_sections,
        data_left=data_left,
        warnings=warnings,
        more_warnings=more_warnings,
        lineage_view=lambda entry: charts.lineage_view(result, entry),
        names=lambda ids: [label(i) for i in ids],
        title_of=lambda f: title_text(result, f),
        evidence_of=lambda f: evidence_text(result, f),
        ways=lambda ways: ways_text(result, ways),
        controls=lambda parts: controls_text(result, parts),
    )
