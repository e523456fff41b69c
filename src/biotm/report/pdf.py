"""PDF report for management and regulators: cover, management summary, charts, diagram, sections, appendix.

Built with ReportLab (pure-Python wheels; pillow is its only binary dependency): `invariant=1` fixes the
creation date and document id, so the same result gives the same bytes. Latin text is set in Helvetica;
any run of characters outside WinAnsi (CJK names such as 营业厅, arrows) in ReportLab's built-in CID font
STSong-Light, which needs no font file (readers supply the glyphs; poppler needs poppler-data). All model
text is escaped for ReportLab's paragraph markup (`&`, `<`, `>`) and made printable first.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from biotm.report import ReportOptions, summary, view
from biotm.report.factor_text import likelihood_text
from biotm.report.grouping import FindingGroup, groups, top_groups
from biotm.report.pdf_diagram import bar_chart, diagram_flowable, legend
from biotm.report.pdf_text import (
    BODY,
    CELL,
    CENTRE,
    CJK_FONT,
    H1,
    H2,
    H3,
    SMALL,
    TITLE,
    esc,
    para,
    prepare_reportlab,
)
from biotm.report.place_names import evidence_text, place_joiner, ways_text
from biotm.result import AuditResult, Finding

#: Places of one group listed in the PDF; the XLSX register and the JSON report list every one.
PLACES_LISTED = 40
EVIDENCE_CHARS = 1500
CHAINS_SHOWN = 20
#: Tracking entries the appendix tables: 100,000 of them took minutes to lay out as one table.
TRACKED_LISTED = 200

def _table(rows: list[list[str]], widths: list[float], header: bool = True) -> Table:
    cells = [[para(c, CELL) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    style: list[Any] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#b0bec5")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe6ec")))
    table.setStyle(TableStyle(style))
    return table


def _clipped(text: str) -> str:
    """A finding's evidence for the page: one that names a thousand shops is cut (the JSON report has it all)."""
    if len(text) <= EVIDENCE_CHARS:
        return text
    return text[:EVIDENCE_CHARS].rsplit(" ", 1)[0] + " … (cut here; the JSON report has the full text)"


def _place(result: AuditResult, finding: Finding) -> str:
    """Where a finding is; one finding can sit at every shop of a national model, so the first few and a count."""
    shown = place_joiner(finding).join(esc(view.label(result, p)) for p in finding.places[:PLACES_LISTED])
    more = len(finding.places) - PLACES_LISTED
    return shown + (f" and {more:,} more (the XLSX register and JSON report list every one)" if more > 0 else "")


def _cover(result: AuditResult, options: ReportOptions) -> list[Flowable]:
    s = result.summary
    meta = result.model.meta
    date = options.date.isoformat() if options.date else "not stated (run with --today)"
    lines = [
        Spacer(1, 55 * mm),
        para("Biometric risk audit", TITLE),
        para(f"<b>{esc(s.name)}</b>", CENTRE),
        Spacer(1, 10 * mm),
        para(f"Model version: {esc(s.version or 'not stated')}", CENTRE),
        para(f"Date of the audit: {esc(date)}", CENTRE),
        para(f"Authors: {esc(', '.join(meta.authors) or 'not stated')}", CENTRE),
        para(f"Produced with {esc(result.tool)} {esc(result.tool_version)} (report schema {result.schema_version})",
             CENTRE),
        Spacer(1, 10 * mm),
        para(f"<b>Scope.</b> {esc(s.description or 'The model does not describe its scope.')}", BODY),
        Spacer(1, 4 * mm),
        para(f"{s.counts.zones} trust zones, {s.counts.elements} elements, {s.counts.flows} flows, "
             f"{s.counts.data} data items ({s.counts.biometric_data} biometric), {s.counts.attackers} attackers.",
             SMALL),
        PageBreak(),
    ]
    return lines


def _group_block(result: AuditResult, group: FindingGroup) -> list[Flowable]:
    f = group.lead
    colour = summary.SEVERITY_COLOURS[f.severity]
    out: list[Flowable] = [
        para(f'<font color="{colour}"><b>[{f.severity}]</b></font> <b>{esc(group.headline)}</b>', H3),
        para(f"Risk {f.risk:.2f} (likelihood {f.likelihood:.2f} × impact {f.impact:.2f}); status {esc(f.status)}; "
             f"{view.persons(f.subjects)}; rule {esc(f.rule)}; id {esc(f.id)}", SMALL),
        para(f"<b>Where:</b> {_place(result, f)}"),
    ]
    if group.grouped:
        listed = "; ".join(_place(result, m) for m in group.findings[:PLACES_LISTED])
        more = group.size - PLACES_LISTED
        tail = f"; and {more} more (the XLSX register and JSON report list every one)" if more > 0 else ""
        out.append(para(f"<b>All {group.size} {esc(group.noun)}:</b> {listed}{tail}", SMALL))
    out.append(para(f"<b>Why:</b> {esc(_clipped(evidence_text(result, f)))}"))
    out.append(para(f"<b>Likelihood:</b> {likelihood_text(f, esc)}", SMALL))
    reasons = "; ".join(f"{esc(x.reason)} ({x.effect:+.2f})" for x in f.impact_factors)
    out.append(para(f"<b>Impact:</b> {reasons or 'none given'}", SMALL))
    extras = []
    if f.regulations:
        extras.append(f"<b>Regulations:</b> {esc(', '.join(f.regulations))}")
    if f.mitigations:
        extras.append(f"<b>Mitigate with:</b> {esc(', '.join(f.mitigations))}")
    note = view.tracking_note(f)
    if note:
        extras.append(f"<b>Tracking:</b> {esc(note)}")
    if extras:
        out.append(para(" · ".join(extras), SMALL))
    return [KeepTogether(out[:4]), *out[4:]]


def _via(result: AuditResult, element_id: str, group: FindingGroup) -> str:
    via = summary.placed_via(result, element_id, group.lead)
    return f" ({esc(via)})" if via else ""


def _elements(result: AuditResult, found: list[FindingGroup]) -> list[Flowable]:
    sections, left = summary.element_sections(result, found=found)
    out: list[Flowable] = [para("Elements", H1),
                           para("Each element with the data it holds and processes and the findings placed on it, "
                                "riskiest first.", SMALL)]
    for section in sections:
        e = section.element
        name = esc(e.name or e.id)
        block: list[Flowable] = [
            para(f"<b>{name}</b><br/><font size=7 color='#607d8b'>{esc(e.id)} · {esc(e.type.value)} · zone "
                 f"{esc(section.zone)}</font>", H3),
            para(f"Controls: {esc(', '.join(e.controls) or 'none')}. Data at rest: "
                 f"{esc(', '.join(section.at_rest) or 'none')}. Processes: "
                 f"{esc(', '.join(section.processed) or 'none')}. Open risk here: {section.open_risk:.2f}.", SMALL),
        ]
        if section.groups:
            items = "; ".join(f"[{g.lead.severity}] {esc(section.headline(g))}{_via(result, e.id, g)}"
                              for g in section.groups[:12])
            more = f"; and {len(section.groups) - 12} more" if len(section.groups) > 12 else ""
            block.append(para(f"Findings: {items}{more}", SMALL))
        out.append(KeepTogether(block))
    if left:
        out.append(para(f"{left} more elements with less risk are not shown; the XLSX register and JSON report "
                        "cover every one.", SMALL))
    return out


def _data(result: AuditResult) -> list[Flowable]:
    sections, left = summary.data_sections(result)
    out: list[Flowable] = [para("Data items", H1),
                           para("Where each data item is collected, travels and rests (biometric first).", SMALL)]
    for section in sections:
        d = section.item
        lin = section.lineage
        kind = f"{d.category.value}{' · ' + d.modality.value if d.modality else ''}"
        block: list[Flowable] = [para(f"<b>{esc(d.name or d.id)}</b><br/><font size=7 color='#607d8b'>{esc(d.id)} · "
                                      f"{esc(kind)} · {view.persons(d.subjects)} · "
                                      f"{'revocable' if d.is_revocable else 'cannot be reset'}</font>", H3)]
        if lin is not None:
            def names(ids: Iterable[str]) -> str:
                listed = [view.label(result, i) for i in ids]
                return esc(", ".join(listed[:15]) + (f" and {len(listed) - 15} more" if len(listed) > 15 else ""))

            block.append(para(
                f"Collected at: {names(lin.collected_at) or '—'}. Derived from: "
                f"{esc(', '.join(lin.derived_from)) or '—'}."
                f" Stored at: {names(lin.stored_at) or '—'}. Reaches: {names(lin.reaches) or '—'}. Owners: "
                f"{esc(', '.join(lin.owners)) or '—'}; jurisdictions {esc(', '.join(lin.jurisdictions)) or '—'}.",
                SMALL))
        open_about = [f for f in section.findings if view.is_open(f)]
        block.append(para(f"{len(section.findings)} findings concern it, {len(open_about)} open.", SMALL))
        out.append(KeepTogether(block))
    if left:
        out.append(para(f"{left} more data items are not shown; the JSON report covers every one.", SMALL))
    return out


def _chains(result: AuditResult) -> list[Flowable]:
    out: list[Flowable] = [para("Identity-theft chains", H1)]
    if not result.chains:
        return [*out, para("No identity-theft chain was found.")]
    if len(result.chains) > CHAINS_SHOWN:
        out.append(para(f"The {CHAINS_SHOWN} most likely of {len(result.chains)} chains.", SMALL))
    for chain in result.chains[:CHAINS_SHOWN]:
        colour = summary.SEVERITY_COLOURS[chain.severity]
        block: list[Flowable] = [para(
            f'<font color="{colour}"><b>[{chain.severity}]</b></font> <b>{esc(chain.who())}</b> obtains '
            f"<b>{esc(chain.goal)}</b> · likelihood {chain.likelihood:.2f} · {view.persons(chain.subjects)}",
            H3)]
        for depth, step in enumerate(chain.steps):
            where = "leaked or observed" if step.verifier == "leak" else esc(view.label(result, step.verifier))
            style = ParagraphStyle(f"tree{depth}", parent=SMALL, leftIndent=10 + 12 * depth, bulletIndent=12 * depth,
                                   bulletFontName=CJK_FONT)
            uses = esc(", ".join(step.uses)) or "—"
            grants = esc(", ".join(step.grants)) or "—"
            block.append(Paragraph(f"{where}: {esc(step.action)}; presents {uses}; gets {grants} "
                                   f"(p {step.likelihood:.2f})", style, bulletText="└"))
        if chain.broken_by:
            block.append(para(f"Broken by {esc(ways_text(result, chain.broken_by))}", SMALL))
        out.append(KeepTogether(block))
    return out


def _plan(result: AuditResult, found: list[FindingGroup], width: float) -> list[Flowable]:
    out: list[Flowable] = [para("Mitigation plan", H1)]
    plan = result.plan
    if plan is not None and plan.items:
        budget = "no budget limit" if plan.budget_days is None else f"a budget of {view.days(plan.budget_days)} days"
        out.append(para(f"Method {esc(plan.method)}, {budget}: {view.person_days(plan.total_cost_days)} remove "
                        f"{plan.total_risk_removed:.2f} risk ({plan.risk_before:.2f} → {plan.risk_after:.2f})."))
        rows = [["#", "control", "where", "days", "risk removed", "why"]]
        rows += [[str(i.rank), esc(i.control), esc(view.label(result, i.place)), view.days(i.cost_days),
                  f"{i.risk_removed:.2f}", esc(i.reason)] for i in plan.items]
        out.append(_table(rows, [w * width for w in (0.05, 0.18, 0.2, 0.07, 0.1, 0.4)]))
        return out
    out.append(para("No budgeted plan was computed (run with --budget DAYS). The controls that would close the "
                    "riskiest open findings, from their fixed cost, which grows with the place:"))
    rows = [["control", "closes", "places", "person-days"]]
    rows += [[esc(f.title), esc(f.reason), str(f.places), esc(f.cost)] for f in summary.fixes(result, found, 10)]
    out.append(_table(rows, [w * width for w in (0.22, 0.5, 0.1, 0.13)]))
    return out


def _appendix(result: AuditResult, width: float) -> list[Flowable]:
    out: list[Flowable] = [para("Appendix", H1), para("Methodology and scoring", H2)]
    out += [para(esc(text)) for text in summary.METHODOLOGY]
    out.append(para("Assumptions", H2))
    assumptions = result.model.meta.assumptions
    out += [para(f"• {esc(a)}") for a in assumptions] or [para("The model states no assumptions.")]
    out.append(para("Tracked risks (acceptances, false positives, fixes in progress, mitigations)", H2))
    tracked = result.model.accepted
    if tracked:
        rows = [["rule", "place", "status", "owner", "date", "justification / ticket / control"]]
        for entry in tracked[:TRACKED_LISTED]:
            date = entry.expires or entry.due
            rows.append([esc(entry.rule), esc(entry.place), esc(entry.status), esc(entry.owner),
                         date.isoformat() if date else "—",
                         esc(entry.justification or entry.ticket or entry.control or "")])
        out.append(_table(rows, [w * width for w in (0.2, 0.17, 0.11, 0.1, 0.1, 0.32)]))
        if len(tracked) > TRACKED_LISTED:
            out.append(para(f"The first {TRACKED_LISTED} of {len(tracked):,} entries, in the model's order; the "
                            "model file and the JSON report have every one.", SMALL))
    else:
        out.append(para("The model tracks no risks."))
    if result.warnings:
        out.append(para("Model warnings", H2))
        listed, more = view.shown_warnings(result)
        for warning in listed:
            where = f"line {warning.location.line}: " if warning.location else ""
            out.append(para(f"{where}{esc(warning.message)}", SMALL))
        if more:
            out.append(para(esc(more), SMALL))
    return out


def _footer(name: str) -> Any:
    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#607d8b"))
        width = doc.pagesize[0]
        canvas.drawString(15 * mm, 9 * mm, "biotm audit · draft for management and regulators")
        canvas.drawRightString(width - 15 * mm, 9 * mm, f"page {doc.page}")
        canvas.restoreState()
    return draw


def render(result: AuditResult) -> bytes:
    return render_with(result, ReportOptions())


def render_with(result: AuditResult, options: ReportOptions) -> bytes:
    prepare_reportlab()
    buffer = io.BytesIO()
    margin = 15 * mm
    doc = BaseDocTemplate(buffer, pagesize=A4, invariant=1, title=view.printable(f"biotm audit: {result.summary.name}"),
                          author=view.printable(", ".join(result.model.meta.authors)) or "biotm",
                          subject="Biometric risk audit", creator=f"biotm {result.tool_version}",
                          leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin + 4 * mm)
    portrait = Frame(margin, margin + 4 * mm, A4[0] - 2 * margin, A4[1] - 2 * margin - 4 * mm, id="portrait")
    wide = landscape(A4)
    flat = Frame(margin, margin + 4 * mm, wide[0] - 2 * margin, wide[1] - 2 * margin - 4 * mm, id="landscape")
    footer = _footer(result.summary.name)
    doc.addPageTemplates([PageTemplate("portrait", [portrait], onPage=footer, pagesize=A4),
                          PageTemplate("landscape", [flat], onPage=footer, pagesize=wide)])
    width = portrait.width
    story: list[Flowable] = list(_cover(result, options))
    story.append(para("Management summary", H1))
    found = groups(result)  # once: the summary, the element sections and the findings show the same groups
    story += [para(esc(p)) for p in summary.management_summary(result, found)]
    story.append(PageBreak())
    story.append(para("Charts", H1))
    for chart in summary.charts(result):
        story += [bar_chart(chart, width), Spacer(1, 6 * mm)]
    around: list[Flowable] = [para("Data-flow diagram", H1)]
    if len(result.model.elements) > 150:
        around.append(para("Zone overview: each box is a trust zone (its element count in brackets), grouped by "
                           "owner; lines aggregate the flows between zones.", SMALL))
    key = legend()
    # the drawing gets what the heading, note and legend leave of the page (a fixed allowance let the
    # legend of a tall overview spill onto a page of its own)
    taken = sum(f.wrap(flat.width, flat.height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in [*around, key])
    story += [NextPageTemplate("landscape"), PageBreak(), *around,
              diagram_flowable(result, flat.width, flat.height - taken - 12 * mm), Spacer(1, 3 * mm), key]
    story += [NextPageTemplate("portrait"), PageBreak()]
    if options.summary_only:
        story.append(para("Summary only (--summary-only): the sections, findings, chains and plan are in the full "
                          "report."))
    else:
        story += _elements(result, found)
        story.append(PageBreak())
        story += _data(result)
        story.append(PageBreak())
        shown = top_groups(found, options.top)
        story.append(para("Findings", H1))
        cut = (f"; the {len(shown)} worst shown ({'--top N shows more, ' if options.top is None else '--top; '}"
               "the XLSX register and JSON report list every finding)") if len(shown) != len(found) else ""
        story.append(para(f"{len(result.findings):,} findings in {len(found):,} groups (one rule, one cause, alike "
                          f"places){cut}.", SMALL))
        for group in shown:
            story += _group_block(result, group)
        story.append(PageBreak())
        story += _chains(result)
        story.append(PageBreak())
        story += _plan(result, found, width)
        story.append(PageBreak())
        story += _appendix(result, width)
    doc.build(story)
    return buffer.getvalue()


def render_blocks(blocks: Iterable[Any], todo: str, title: str) -> bytes:
    """A plain document (the DPIA draft) from blocks with `kind` h1, h2, p, todo or table."""
    prepare_reportlab()
    buffer = io.BytesIO()
    margin = 18 * mm
    doc = BaseDocTemplate(buffer, pagesize=A4, invariant=1, title=view.printable(title), creator="biotm",
                          leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin)
    frame = Frame(margin, margin, A4[0] - 2 * margin, A4[1] - 2 * margin, id="body")
    doc.addPageTemplates([PageTemplate("body", [frame], onPage=_footer(title))])
    todo_style = ParagraphStyle("todo", parent=BODY, backColor=colors.HexColor("#fff3e0"), borderPadding=4,
                                leftIndent=4, spaceBefore=6, spaceAfter=8)
    story: list[Flowable] = []
    for block in blocks:
        if block.kind == "h1":
            story.append(para(esc(block.text), H1))
        elif block.kind == "h2":
            story.append(para(esc(block.text), H2))
        elif block.kind == "todo":
            story.append(para(f'<font color="#bf360c"><b>{esc(todo)}:</b></font> {esc(block.text)}', todo_style))
        elif block.kind == "table":
            share = frame.width / max(len(block.header), 1)
            rows = [[esc(h) for h in block.header], *[[esc(c) for c in row] for row in block.rows]]
            story.append(_table(rows, [share] * len(block.header)))
        else:
            story.append(para(esc(block.text)))
    doc.build(story)
    return buffer.getvalue()
