"""What the management-ready deliverables (PDF, HTML, Markdown, DPIA) say, computed once from a result.

The management summary in prose, the chart series, the per-element and per-data-item sections, what to fix
first and what it costs, and the laws a result engages. Plain text here; each format escapes it for its sink.
Nothing is scored here: it only selects, counts and words what the result already says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from biotm.model.controls import CONTROLS, cost_days
from biotm.model.portraits import biometric_ids
from biotm.model.schema import DataItem, Element
from biotm.regulations import law_of
from biotm.report import view
from biotm.report.grouping import FindingGroup, groups
from biotm.report.place_names import evidence_text
from biotm.result import SEVERITIES, STATUSES, AuditResult, Finding, LineageEntry

#: Sections of one kind shown in full before "and N more" (a national model has 2,000 elements).
SECTION_LIMIT = 40

SEVERITY_COLOURS = {"critical": "#b71c1c", "high": "#e65100", "medium": "#c79100", "low": "#1565c0",
                    "info": "#607d8b"}
STATUS_COLOURS = {"open": "#b71c1c", "expired-acceptance": "#d84315", "overdue": "#e65100",
                  "in-progress": "#f9a825", "accepted": "#6d4c41", "false-positive": "#78909c",
                  "mitigated": "#2e7d32"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str = "#455a64"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    unit: str
    bars: list[Bar]


@dataclass(frozen=True)
class Fix:
    control: str
    title: str
    places: int
    cost_days: float
    reason: str
    #: "7" from the plan; "from 3" without one: the control's fixed part, which grows with the place.
    cost: str


@dataclass(frozen=True)
class ElementSection:
    element: Element
    zone: str
    at_rest: list[str]
    processed: list[str]
    groups: list[FindingGroup]
    open_risk: float
    #: Per group (by its lead's id): how many of its members touch this element.
    here: dict[str, int] = field(default_factory=dict)

    def headline(self, group: FindingGroup) -> str:
        """The group's headline, saying how many of its places are this element's when not all are: a national
        group "at 3,232 shop real-name terminals" listed under one regional system has 35 of them there."""
        count = self.here.get(group.lead.id, group.size)
        if not group.grouped or count >= group.size:
            return group.headline
        return f"{group.headline}, {'one' if count == 1 else f'{count:,}'} of them here"


@dataclass(frozen=True)
class DataSection:
    item: DataItem
    lineage: LineageEntry | None
    findings: list[Finding] = field(default_factory=list)


def _element_places(result: AuditResult) -> Callable[[Finding], list[str]]:
    """Finding -> the elements it is placed on (a flow place counts as its source), with the look-ups
    fetched once: each report asks this of every finding, twice."""
    known = view.elements(result)
    flows = view.flows(result)

    def places_of(finding: Finding) -> list[str]:
        return [p if p in known else flows[p].source for p in finding.places if p in known or p in flows]

    return places_of


def charts(result: AuditResult) -> list[Chart]:
    """Findings by severity (open) and by status, open risk by zone, open findings by law."""
    counts = view.open_counts(result)
    by_severity = [Bar(sev, counts[sev], SEVERITY_COLOURS[sev]) for sev in SEVERITIES]
    status = view.status_counts(result)
    by_status = [Bar(s, status[s], STATUS_COLOURS[s]) for s in STATUSES if status[s]]
    zone_of = {e.id: e.zone for e in result.model.elements}
    zone_names = {z.id: z.name for z in result.zones}
    risk: dict[str, float] = defaultdict(float)
    laws: dict[str, int] = defaultdict(int)
    places_of = _element_places(result)
    for finding in result.findings:
        if not view.is_open(finding):
            continue
        places = places_of(finding)
        if places:
            risk[zone_of[places[0]]] += finding.risk
        for law in sorted({law_of(ref) for ref in finding.regulations}):
            laws[law] += 1
    zone_title = "Open risk by zone (sum of likelihood × impact)"
    if len(risk) > 12:
        # a national model's 196 zones gave twelve bars and one "183 other zones" bar a hundred times longer:
        # summed by owner (carrier, vendor, ministry), the chart says who holds the risk
        owner_of = {z.id: z.owner for z in result.zones}
        by_owner: dict[str, float] = defaultdict(float)
        zones_of: dict[str, int] = defaultdict(int)
        for zone, value in risk.items():
            by_owner[owner_of.get(zone, zone)] += value
            zones_of[owner_of.get(zone, zone)] += 1
        risk = {f"{owner} ({zones_of[owner]} zone{'s' if zones_of[owner] != 1 else ''})": value
                for owner, value in by_owner.items()}
        zone_names = {}
        zone_title = "Open risk by owner of the zones (sum of likelihood × impact)"
    zones = sorted(risk.items(), key=lambda kv: (-kv[1], kv[0]))
    top_zones = [Bar(zone_names.get(z, z), round(v, 2), "#6a1b9a") for z, v in zones[:12]]
    if len(zones) > 12:
        top_zones.append(Bar(f"{len(zones) - 12} others", round(sum(v for _, v in zones[12:]), 2), "#9e9e9e"))
    law_bars = [Bar(law, n, "#00695c") for law, n in sorted(laws.items(), key=lambda kv: (-kv[1], kv[0]))[:12]]
    return [
        Chart("severity", "Open findings by severity", "findings", by_severity),
        Chart("status", "Findings by status", "findings", by_status),
        Chart("zone", zone_title, "risk", top_zones),
        Chart("law", "Open findings by law", "findings", law_bars),
    ]


def fixes(result: AuditResult, found: list[FindingGroup], limit: int = 5) -> list[Fix]:
    """What to fix first: the plan's first items when there is a plan, else the controls of the worst groups."""
    if result.plan is not None and result.plan.items:
        return [
            Fix(i.control, CONTROLS[i.control].title if i.control in CONTROLS else i.control, 1, i.cost_days,
                view.label(result, i.place), view.days(i.cost_days))
            for i in result.plan.items[:limit]
        ]
    out: list[Fix] = []
    seen: set[str] = set()
    overrides = result.model.settings.control_cost_days
    for group in sorted((g for g in found if view.is_open(g.lead)), key=lambda g: (-g.lead.risk, g.lead.id)):
        controls = [c for c in group.lead.mitigations if c in CONTROLS and c not in seen]
        if not controls:
            continue
        control = controls[0]
        seen.add(control)
        fixed = cost_days(control, overrides) * group.size
        out.append(Fix(control, CONTROLS[control].title, group.size, fixed, group.headline, f"from {view.days(fixed)}"))
        if len(out) == limit:
            break
    return out


def laws_engaged(result: AuditResult) -> list[tuple[str, int]]:
    """Full law names cited by open findings, with how many findings cite each, most cited first."""
    names = {ref.id: ref.law for ref in result.regulations}
    counts: dict[str, int] = defaultdict(int)
    for finding in result.findings:
        if view.is_open(finding):
            for law in sorted({names.get(ref, law_of(ref)) for ref in finding.regulations}):
                counts[law] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _article(noun: str) -> str:
    """'a' or 'an' before `noun` ("an outsider", "a leaked data buyer")."""
    return "an" if noun[:1].lower() in "aeio" else "a"


def management_summary(result: AuditResult, found: list[FindingGroup] | None = None) -> list[str]:
    """A page of prose for management: the system, the risks that matter and why, chains, fixes, laws.

    `found` is `groups(result)` when the caller has it already (grouping 77,000 findings takes 0.2 s)."""
    s = result.summary
    c = s.counts
    found = groups(result) if found is None else found
    opened = [g for g in found if view.is_open(g.lead)]
    counts = view.open_counts(result)
    paragraphs = []
    what = view.sentence(s.description) + " " if s.description else ""
    paragraphs.append(
        f"{what}The model of {s.name} has {c.elements:,} elements in {c.zones:,} trust zones exchanging {c.data:,} "
        f"kinds of data ({c.biometric_data:,} biometric) over {c.flows:,} flows; the largest data set concerns "
        f"{view.persons(s.max_subjects)}."
        + (f" {len(s.irrevocable_data)} of its data items cannot be reset after a leak (biometrics and lifelong "
           "identifiers)." if s.irrevocable_data else "")
    )
    total_open = sum(counts.values())
    serious = counts["critical"] + counts["high"]
    # the grouped count only when grouping folded something: "43 findings (43 distinct problems)" reads as noise
    grouped = (f" ({len(found):,} distinct problems once repeats at alike places are grouped)"
               if len(found) < len(result.findings) else "")
    paragraphs.append(
        f"The audit found {len(result.findings):,} findings{grouped}; {total_open:,} are open, {serious:,} of them "
        "critical or high."
    )
    # the report's own order (severity, then risk), as in Top risks; chains get their own paragraph below
    top = sorted((g for g in opened if g.lead.rule != "idt-chain"),
                 key=lambda g: (view.severity_rank(g.lead.severity), -g.lead.risk, g.lead.id))[:3]
    for rank, group in enumerate(top, start=1):
        f = group.lead
        where = view.label(result, f.places[0]) if f.places else "the model"
        # a group's headline already says where ("at 31 registration stores"): name the worst one, not again "at"
        at = f", the worst at {where}" if group.grouped else f" at {where}"
        paragraphs.append(
            f"Risk {rank}: {group.headline} ({f.severity}, risk {f.risk:.2f}, {view.persons(f.subjects)}){at}. "
            f"{view.sentence(evidence_text(result, f))}"
        )
    if result.chains:
        worst = result.chains[0]
        names = {a.id: a.name for a in result.model.attackers if a.name}
        who = names.get(worst.attacker, worst.attacker.replace("-", " "))
        who = who[0].lower() + who[1:] if who[:2].istitle() else who  # "a fraudster with ...", not "a Fraudster"
        others = len(worst.attackers) - 1
        who += f" (and {others} other attacker{'s' if others != 1 else ''})" if others > 0 else ""
        held = sorted({d for step in worst.steps if step.action.startswith("start with") for d in step.grants})
        paragraphs.append(
            f"{len(result.chains):,} identity-theft chain{'s' if len(result.chains) != 1 else ''} lead from leaked "
            f"or observed data to a takeover; the most likely ({worst.likelihood:.2f}) lets {_article(who)} {who}"
            + (f", starting from {', '.join(held)}," if held else "")
            + f" {worst.steps[-1].action if worst.steps else 'obtain ' + worst.goal}, affecting "
            f"{view.persons(worst.subjects)}."
        )
    else:
        paragraphs.append("No identity-theft chain was found.")
    first = fixes(result, found, limit=3)
    if first:
        parts = [
            f"{fix.title} ({fix.cost} person-day{'' if view.days(fix.cost_days) == '1' else 's'}"
            + (f", {fix.places} places)" if fix.places > 1 else ")")
            for fix in first
        ]
        # without a plan these are the riskiest findings' own controls, not a costed ranking: say which it is
        lead = ("Fix first (the costed plan's first items): " if result.plan is not None and result.plan.items
                else "Fix first (the controls named by the riskiest open findings; no costed plan was computed, "
                     "so each cost is the control's fixed part, which grows with the records, flows and users at "
                     "the place): ")
        paragraphs.append(lead + "; ".join(parts) + ".")
    laws = laws_engaged(result)
    if laws:
        paragraphs.append(
            "Laws and standards engaged by open findings: "
            + "; ".join(f"{law} ({n:,} finding{'s' if n != 1 else ''})" for law, n in laws[:6])
            + ("." if len(laws) <= 6 else f"; and {len(laws) - 6} more.")
        )
    return paragraphs


def placed_via(result: AuditResult, element_id: str, finding: Finding) -> str:
    """How a finding listed under `element_id` reaches it when placed on the element's outgoing flow rather than
    the element ("on flow 'x' to Y"), so two findings of one title on one element do not read as a duplicate."""
    if element_id in finding.places:
        return ""
    flows = view.flows(result)
    out = [f"on flow '{view.label(result, p)}' to {view.label(result, flows[p].target)}"
           for p in finding.places if p in flows and flows[p].source == element_id]
    return "; ".join(out)


def element_sections(
    result: AuditResult, limit: int = SECTION_LIMIT, found: list[FindingGroup] | None = None
) -> tuple[list[ElementSection], int]:
    """Per-element sections, riskiest first (elements with findings, then the rest); and how many were left off.
    `found` as in `management_summary`."""
    found = groups(result) if found is None else found
    touching: dict[str, list[FindingGroup]] = defaultdict(list)
    # open risk per element summed in one pass, in the order the sections list the groups (a sum per element
    # over every member of every group touching it was quadratic: a 10k model's Markdown took minutes)
    open_risk: dict[str, float] = defaultdict(float)
    places_of = _element_places(result)
    here: dict[str, dict[str, int]] = defaultdict(dict)
    for group in found:
        counts: dict[str, int] = defaultdict(int)
        for finding in group.findings:
            for element_id in dict.fromkeys(places_of(finding)):
                counts[element_id] += 1
        for element_id, count in counts.items():
            touching[element_id].append(group)
            here[element_id][group.lead.id] = count
        for finding in group.findings:
            if view.is_open(finding):
                for place in dict.fromkeys(finding.places):
                    open_risk[place] += finding.risk
    at_rest: dict[str, list[str]] = defaultdict(list)
    processed: dict[str, list[str]] = defaultdict(list)
    for entry in result.lineage:
        for element_id in entry.stored_at:
            at_rest[element_id].append(entry.data)
        for element_id in entry.processed_at:
            processed[element_id].append(entry.data)
    zone_names = {z.id: z.name for z in result.zones}
    sections = []
    for element in result.model.elements:
        mine = touching.get(element.id, [])
        sections.append(ElementSection(element, zone_names.get(element.zone, element.zone), at_rest[element.id],
                                       processed[element.id], mine, round(open_risk.get(element.id, 0.0), 4),
                                       here.get(element.id, {})))
    sections.sort(key=lambda s: (-s.open_risk, -len(s.groups), s.element.id))
    return sections[:limit], max(len(sections) - limit, 0)


def data_sections(result: AuditResult, limit: int = SECTION_LIMIT) -> tuple[list[DataSection], int]:
    """Per-data-item sections, biometric first: where each travels and rests, and the findings about it."""
    lineage = {e.data: e for e in result.lineage}
    about: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        for data_id in finding.data:
            about[data_id].append(finding)
    biometric = biometric_ids(result.model)
    items = sorted(result.model.data, key=lambda d: (d.id not in biometric, -d.subjects, d.id))
    sections = [DataSection(d, lineage.get(d.id), about.get(d.id, [])) for d in items]
    return sections[:limit], max(len(sections) - limit, 0)


METHODOLOGY = [
    "biotm reads a model of the system (trust zones, elements, data items with their categories and head counts, "
    "flows, verifiers and attackers), derives where each data item travels and rests, and runs rule families "
    "over it: STRIDE, LINDDUN and biometric-specific rules, attack paths from each attacker's entry point, and "
    "identity-theft chains that follow leaked or observed evidence through the verifiers that accept it.",
    "Each finding has a likelihood and an impact between 0 and 1, each with the reasons that moved it. Risk is "
    "likelihood × impact; severity comes from a fixed matrix over four likelihood and four impact bands, so a "
    "very likely nuisance stays medium and critical needs both a likely and a severe finding. Controls present "
    "in the model suppress findings or lower their likelihood.",
    "Findings of one rule with the same cause at many alike places are grouped in this report; the JSON, SARIF, "
    "CSV and XLSX outputs keep every finding. A finding's status comes from the model's tracking entries: "
    "accepted (until a date), false positive, fix in progress (until its due date) or mitigated (verified: the "
    "control must be in the model); expired acceptances and overdue fixes count as open.",
    "The model is what the analysis knows: an element, flow or control it does not describe is not assessed. "
    "Likelihoods are calibrated estimates, not measurements.",
]
