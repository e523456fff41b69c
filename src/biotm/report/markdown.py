"""Markdown report for humans and GitHub: summary, findings, chains, paths, plan, laws, lineage, appendix.

Every name in a model is untrusted: `text()` escapes Markdown and HTML so a name can neither break a
table nor inject markup, and ids go in code spans only when they are plain ids.
"""

from __future__ import annotations

from collections.abc import Iterator

from biotm.report import ReportOptions, grouping, mermaid, view
from biotm.report import summary as deliverable
from biotm.report.diagram import is_large
from biotm.report.factor_text import likelihood_text
from biotm.report.markdown_plan import plan, what_if
from biotm.report.markdown_text import code, codes, few, table, text
from biotm.report.place_names import controls_text, evidence_text, place_joiner, title_text, ways_text
from biotm.result import SEVERITIES, AuditResult, Factor, Finding, RegulationRef

#: Re-exported: the sinks other Markdown renderers (diff, DPIA) use, and the plan sections.
__all__ = ["code", "codes", "plan", "render", "render_with", "table", "text", "what_if"]
#: Ids listed in one table cell of a large model's report before "and N more".

def _factors(factors: list[Factor]) -> str:
    return "; ".join(f"{text(f.reason)} ({f.effect:+.2f})" for f in factors) or "none given"


def _one_place(result: AuditResult, place: str) -> str:
    name = view.label(result, place)
    return f"{code(place)} ({text(name)})" if name != place else code(place)


def _place(result: AuditResult, finding: Finding) -> str:
    return place_joiner(finding).join(_one_place(result, p) for p in finding.places)


def summary(result: AuditResult) -> Iterator[str]:
    s = result.summary
    c = s.counts
    yield "## In numbers"
    yield ""
    yield (
        f"{text(s.name)} has {c.zones} trust zones, {c.elements} elements, {c.flows} flows and {c.data} data "
        f"items ({c.biometric_data} biometric). Up to **{view.people(s.max_subjects)}** people's data are "
        "exposed in it."
    )
    yield ""
    if s.irrevocable_data:
        yield f"Data that cannot be reset after a leak: {codes(s.irrevocable_data)}."
        yield ""
    counts = view.open_counts(result)
    yield from table(["severity", *counts], [["open findings", *(str(n) for n in counts.values())]])
    closed = len(result.findings) - sum(counts.values())
    if closed:
        yield f"{closed} more finding{'s' if closed != 1 else ''} accepted, in progress, false positive or mitigated."
        yield ""
    top = view.top_risks(result)
    if top:
        yield "### Top risks"
        yield ""
        for finding in top:
            yield (
                f"**{text(title_text(result, finding))}** ({finding.severity}, risk {finding.risk:.2f}, "
                f"{view.persons(finding.subjects)}) at {_place(result, finding)}: "
                f"{text(view.sentence(evidence_text(result, finding)))}"
                + (f" Mitigate with {codes(finding.mitigations)}." if finding.mitigations else "")
            )
            yield ""


def findings(result: AuditResult, every: list[grouping.FindingGroup], top: int | None = None) -> Iterator[str]:
    yield "## Findings by severity"
    yield ""
    if not result.findings:
        yield "No findings."
        yield ""
        return
    shown = grouping.top_groups(every, top)
    yield (
        f"{len(result.findings)} finding{'s' if len(result.findings) != 1 else ''} in {len(every)} groups: findings "
        "of one rule with the same cause at many alike places are one group, with every place listed."
        + (f" Showing the first {len(shown)} groups, worst first ({'--top N shows more' if top is None else '--top'});"
           " the JSON, SARIF and CSV reports hold every finding." if len(shown) != len(every) else "")
    )
    yield ""
    for severity in SEVERITIES:
        members = [g for g in shown if g.lead.severity == severity]
        if not members:
            continue
        yield f"### {severity.capitalize()} ({sum(g.size for g in members)})"
        yield ""
        yield from table(
            ["id", "title", "where", "places", "likelihood", "impact", "risk", "status"],
            (
                [code(g.id if g.grouped else g.lead.id), text(g.headline), _place(result, g.lead), str(g.size),
                 f"{g.lead.likelihood:.2f}", f"{g.lead.impact:.2f}", g.risks.removeprefix("risk "), g.lead.status]
                for g in members
            ),
        )
        for group in members:
            f = group.lead
            yield f"#### {code(group.id if group.grouped else f.id)}: {text(group.headline)}"
            yield ""
            if group.grouped:
                yield f"- Group of {group.size:,} findings, {group.risks}; the worst, {code(f.id)}, in full:"
            yield f"- Rule {code(f.rule)} at {_place(result, f)}; data {codes(f.data) or 'none'}; "\
                  f"{view.persons(f.subjects)}."
            if group.grouped:
                yield f"- All {group.size} {text(group.noun)}: " + "; ".join(_place(result, m) for m in group.findings)
            yield f"- Evidence: {text(evidence_text(result, f))}"
            yield f"- Likelihood {likelihood_text(f, text)}"
            yield f"- Impact {f.impact:.2f}: {_factors(f.impact_factors)}"
            if f.categories:
                yield f"- Categories: {', '.join(text(c) for c in f.categories)}"
            if f.cwe:
                yield f"- CWE: {codes(f.cwe)}"
            if f.regulations:
                yield f"- Regulations: {codes(f.regulations)}"
            if f.mitigations:
                yield f"- Mitigate with: {codes(f.mitigations)}"
            note = view.tracking_note(f)
            if note:
                yield f"- Status {f.status}: {text(note)}"
            location = view.finding_location(result, f)
            if location:
                yield f"- Written at {text(location.file)}:{location.line}:{location.column}"
            yield ""


def chains(result: AuditResult) -> Iterator[str]:
    yield "## Identity-theft chains"
    yield ""
    if not result.chains:
        yield "No identity-theft chain found."
        yield ""
        return
    for chain in result.chains:
        who = chain.attackers or [chain.attacker]
        yield (
            f"### {code(chain.id)}: {codes(who)} obtain{'' if len(who) > 1 else 's'} {code(chain.goal)} "
            f"({chain.severity}, likelihood {chain.likelihood:.2f}, {view.persons(chain.subjects)})"
        )
        yield ""
        for number, step in enumerate(chain.steps, 1):
            at = "The attacker can" if step.verifier == "leak" else f"At {_one_place(result, step.verifier)}"
            if step.verifier != "leak":
                at += (f" ({code(step.verification)})" if step.verification else "") + ", the attacker can"
            uses = f" presenting {codes(step.uses)}" if step.uses else ""
            parts = [
                f"{number}. {at} {text(step.action)}{uses}, getting {codes(step.grants)} "
                f"(likelihood {step.likelihood:.2f}).",
                text(view.sentence(step.evidence)),
                f"Weak: {text(controls_text(result, step.weak_controls))}." if step.weak_controls else "",
            ]
            yield " ".join(p for p in parts if p)
        yield ""
        if chain.broken_by:
            yield f"Broken by {text(ways_text(result, chain.broken_by))}. Reported as finding {code(chain.finding)}."
            yield ""


def attack_paths(result: AuditResult) -> Iterator[str]:
    yield "## Attack paths"
    yield ""
    if not result.attack_paths:
        yield "No attack path found."
        yield ""
        return
    rows = []
    for path in result.attack_paths:
        route = " → ".join(
            code(step.target) + ("" if step.via in ("entry", step.target) else f" via {code(step.via)}")
            for step in path.steps
        )
        rows.append([code(path.attacker), code(path.target_data), f"{path.probability:.2f}", route,
                     code(path.reaches)])
    yield from table(["attacker", "target data", "probability", "route", "obtained at"], rows)


def _law_name(ref: RegulationRef) -> str:
    """A standard says so: it is good practice, not law."""
    return f"{ref.law} (standard)" if ref.kind == "standard" else ref.law


def regulations(result: AuditResult) -> Iterator[str]:
    large = is_large(result)
    yield "## Regulations by article"
    yield ""
    touched = view.findings_by_regulation(result)
    refs = sorted(result.regulations, key=lambda r: (r.law, r.article, r.id))
    if not refs:
        yield "No regulation touched."
        yield ""
        return
    yield from table(
        ["law", "article", "title", "findings"],
        (
            [text(_law_name(r)), text(r.article), text(r.title), few([f.id for f in touched.get(r.id, [])], large)]
            for r in refs
        ),
    )


def lineage(result: AuditResult) -> Iterator[str]:
    large = is_large(result)
    yield "## Data lineage"
    yield ""
    yield from table(
        ["data", "category", "subjects", "collected at", "derived from", "stored at", "reaches", "owners"],
        (
            [code(e.data), e.category, view.people(e.subjects), few(e.collected_at, large),
             few(e.derived_from, large), few(e.stored_at, large), few(e.reaches, large),
             ", ".join(text(o) for o in e.owners)]
            for e in result.lineage
        ),
    )
    if large and result.crossings:
        yield f"{len(result.crossings):,} flows cross a trust boundary: too many to list here; the JSON report " \
              "holds every one."
        yield ""
    elif result.crossings:
        yield "### Boundary crossings"
        yield ""
        rows = []
        for c in result.crossings:
            kinds = ["boundary"] + ["disclosure"] * c.disclosure + ["cross-border"] * c.cross_border
            rows.append([code(c.flow), f"{code(c.source)} ({code(c.source_zone)})",
                         f"{code(c.target)} ({code(c.target_zone)})", ", ".join(kinds), codes(c.data)])
        yield from table(["flow", "from", "to", "kind", "data"], rows)


def appendix(result: AuditResult) -> Iterator[str]:
    model = result.model
    yield "## Appendix: the model"
    yield ""
    if model.meta.description:
        yield text(model.meta.description)
        yield ""
    if model.meta.assumptions:
        yield "Assumptions:"
        yield ""
        yield from (f"- {text(a)}" for a in model.meta.assumptions)
        yield ""
    yield "### Zones"
    yield ""
    yield from table(
        ["id", "name", "owner", "jurisdiction", "inside", "exposure"],
        (
            [code(z.id), text(z.name), text(z.owner), text(z.jurisdiction), code(z.parent) if z.parent else "",
             ", ".join(["internet"] * z.internet_facing + ["public place"] * z.public_place)]
            for z in result.zones
        ),
    )
    large = is_large(result)
    if large:
        yield f"{len(model.elements):,} elements and {len(model.flows):,} flows: too many to list here; the JSON " \
              "report holds every one."
        yield ""
    else:
        yield "### Elements"
        yield ""
        yield from table(
            ["id", "type", "name", "zone", "controls"],
            ([code(e.id), e.type.value, text(e.name or ""), code(e.zone), codes(e.controls)]
             for e in sorted(model.elements, key=lambda e: e.id)),
        )
    yield "### Data items"
    yield ""
    yield from table(
        ["id", "category", "modality", "subjects", "revocable", "protection"],
        ([code(d.id), d.category.value, d.modality.value if d.modality else "", view.people(d.subjects),
          "yes" if d.is_revocable else "no", d.protection.value] for d in sorted(model.data, key=lambda d: d.id)),
    )
    if not large:
        yield from _flows(result)
    if result.warnings:
        yield "### Model warnings"
        yield ""
        listed, more = view.shown_warnings(result)
        yield from table(
            ["where", "warning"],
            ([f"{w.location.line}:{w.location.column}" if w.location else "", text(w.message)] for w in listed),
        )
        yield from ["", text(more)] if more else []


def _flows(result: AuditResult) -> Iterator[str]:
    model = result.model
    yield "### Flows"
    yield ""
    yield from table(
        ["id", "from", "to", "data", "encrypted", "authentication"],
        ([code(f.id), code(f.source), code(f.target), codes(f.data), "yes" if f.encrypted else "no",
          f.authentication.value] for f in sorted(model.flows, key=lambda f: f.id)),
    )


def render(result: AuditResult) -> str:
    return render_with(result, ReportOptions())


def cover(result: AuditResult, options: ReportOptions) -> Iterator[str]:
    s = result.summary
    meta = result.model.meta
    yield from table(["Biometric risk audit", ""], [
        ["model", text(s.name) + (f", version {text(s.version)}" if s.version else "")],
        ["date of the audit", options.date.isoformat() if options.date else "not stated (run with --today)"],
        ["authors", text(", ".join(meta.authors)) or "not stated"],
        ["scope", text(s.description or "The model does not describe its scope.")],
        ["tool", f"{text(result.tool)} {text(result.tool_version)}"],
    ])


def management(result: AuditResult, found: list[grouping.FindingGroup]) -> Iterator[str]:
    yield "## Management summary"
    yield ""
    for paragraph in deliverable.management_summary(result, found):
        yield text(paragraph)
        yield ""
    yield "## Charts"
    yield ""
    for chart in deliverable.charts(result):
        yield f"**{text(chart.title)}**"
        yield ""
        top = max((b.value for b in chart.bars), default=0) or 1
        yield from table(["", chart.unit, ""], (
            [text(b.label), f"{b.value:.2f}" if chart.unit == "risk" else f"{b.value:g}",
             "█" * max(round(20 * b.value / top), 1 if b.value else 0)]
            for b in chart.bars
        ))


def sections(result: AuditResult, every: list[grouping.FindingGroup]) -> Iterator[str]:
    found, left = deliverable.element_sections(result, found=every)
    yield "## Elements"
    yield ""
    for section in found:
        e = section.element
        yield f"### {text(e.name or e.id)}"
        yield ""
        yield f"{code(e.id)} · {e.type.value} · zone {text(section.zone)}. Controls: {codes(e.controls) or 'none'}. " \
              f"Data at rest: {codes(section.at_rest) or 'none'}. Processes: {codes(section.processed) or 'none'}. " \
              f"Open risk here: {section.open_risk:.2f}."
        yield ""
        for group in section.groups[:12]:
            yield f"- {group.lead.severity}: {text(section.headline(group))} ({code(group.lead.id)})"
        if len(section.groups) > 12:
            yield f"- and {len(section.groups) - 12} more"
        yield ""
    if left:
        yield f"{left} more elements with less risk are left out; the JSON report covers every one."
        yield ""
    data_found, data_left = deliverable.data_sections(result)
    yield "## Data items and where biometric data travel and rest"
    yield ""
    for item in data_found:
        d = item.item
        yield f"### {text(d.name or d.id)}"
        yield ""
        yield f"{code(d.id)} · {d.category.value} · {view.persons(d.subjects)} · " \
              f"{'revocable' if d.is_revocable else 'cannot be reset'}; {len(item.findings)} findings concern it."
        yield ""
        if item.lineage is not None:
            lin = item.lineage

            def names(ids: list[str]) -> str:
                return text(", ".join(view.label(result, i) for i in ids[:15])
                            + (f" and {len(ids) - 15} more" if len(ids) > 15 else "")) or "nowhere"

            yield f"Collected at {names(lin.collected_at)} → processed at {names(lin.processed_at)} → stored at " \
                  f"{names(lin.stored_at)}; reaches {len(lin.reaches)} element{'' if len(lin.reaches) == 1 else 's'}."
            yield ""
    if data_left:
        yield f"{data_left} more data items are left out; the JSON report covers every one."
        yield ""


def render_with(result: AuditResult, options: ReportOptions) -> str:
    s = result.summary
    lines = [f"# biotm audit: {text(s.name)}", ""]
    lines += list(cover(result, options))
    lines.append(f"Model {code(s.file)}"
                 + (f", version {text(s.version)}" if s.version else "")
                 + f"; {result.tool} {result.tool_version}, report schema {result.schema_version}.")
    lines.append("")
    every = grouping.groups(result)  # once: the summary, the sections and the findings show the same groups
    lines += list(management(result, every))
    lines += list(summary(result))
    if options.summary_only:
        lines += ["The full report: run without --summary-only.", ""]
    else:
        lines += list(what_if(result))
        lines += ["## Data-flow diagram", "", "```mermaid", mermaid.render(result).rstrip("\n"), "```", ""]
        lines += list(sections(result, every))
        lines += list(findings(result, every, options.top))
        for section in (chains, attack_paths, plan, regulations, lineage, appendix):
            lines += list(section(result))
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"
