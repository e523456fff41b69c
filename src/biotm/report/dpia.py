"""A data-protection impact assessment draft (GDPR Art. 35(7)) and PIPL Art. 56 assessment, filled from an audit.

The laws the findings cite decide which parts appear: GDPR findings bring the Art. 35(7)(a)-(d) sections and
Art. 35(2)/(9) and 36 notes; PIPL findings the Art. 55 triggers and the three Art. 56 items; a model citing
neither gets the common sections with a note. What a model cannot say (the lawful basis, the data subjects'
views, the DPO's opinion, sign-off) is a clearly marked TO COMPLETE place. The document is built once as
blocks and rendered to Markdown, HTML or PDF, each escaping model text for its sink.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from biotm.legal.scope import sensitive as is_sensitive
from biotm.model.portraits import biometric_ids, compared_portraits
from biotm.model.schema import BasisKind, ConsentKind, DataItem, Modality
from biotm.regulations import SCOPES, law_of
from biotm.report import ReportOptions, summary, view
from biotm.report.grouping import FindingGroup, groups
from biotm.result import AuditResult

TODO = "TO COMPLETE BY THE CONTROLLER"
#: Rule-id words of findings about necessity and proportionality (minimisation, retention, purpose).
_NECESSITY = ("unnecessary", "retention", "raw-sample", "function-creep", "purpose", "minimis", "separate-consent",
              "unawareness", "identity-kit")


@dataclass
class Block:
    kind: str  # "h1", "h2", "p", "todo", "table"
    text: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def laws(result: AuditResult) -> set[str]:
    """Law keys the findings and the rules that ran cite (GDPR, PIPL, ...)."""
    refs = {ref for f in result.findings for ref in f.regulations}
    return {law_of(ref) for ref in refs} | {law_of(ref.id) for ref in result.regulations if ref.id in refs}


def _named(result: AuditResult, keys: list[str]) -> str:
    """Law keys with their full names, "China Personal Information Protection Law (2021) (PIPL)": a lawyer does
    not read "ATFL" or "CN-FRT" as a statute."""
    names = {law_of(ref.id): ref.law for ref in result.regulations if ref.law}
    return ", ".join(f"{names[k]} ({k})" if k in names and names[k] != k else k for k in keys)


def _split(cited: set[str]) -> tuple[list[str], list[str]]:
    """Cited keys as (laws, standards): ISO and NIST documents are good practice, not law."""
    standards = sorted(k for k in cited if k in SCOPES and SCOPES[k].kind == "standard")
    return sorted(cited - set(standards)), standards


#: Where each law states the lawful bases a purpose needs; laws not listed are asked for by name.
_BASIS_ARTICLES = {"GDPR": "GDPR Art. 6 and 9(2)", "PIPL": "PIPL Art. 13, and Art. 29 separate consent for sensitive "
                   "personal information", "BIPA": "BIPA 740 ILCS 14/15(b), a written release"}


#: How a basis is called under the GDPR, where the PIPL's words would be struck (Art. 9(2)(a): explicit consent).
_GDPR_WORDS = {"separate-consent": "explicit consent (GDPR Art. 9(2)(a))"}


def _category(item: DataItem, portraits: dict[str, Modality]) -> str:
    """The declared category, and for a portrait compared with faces that it is biometric data all the same."""
    if item.id in portraits:
        return f"{item.category.value} (compared as {portraits[item.id].value}: biometric)"
    return item.category.value


def _basis(item: DataItem, gdpr_only: bool, biometric: bool = False) -> str:
    """The declared basis; for biometric data on another basis, also what meets Art. 9(2) (or PIPL Art. 29): a
    DPIA names the condition of each special-category item, not only its Art. 6 basis."""
    basis = item.basis
    if basis is None:
        return "not declared"
    kind = _GDPR_WORDS.get(basis.basis.value, basis.basis.value) if gdpr_only else basis.basis.value
    text = kind + (f" ({basis.law})" if basis.law else "")
    text += f" for {', '.join(basis.purposes)}" if basis.purposes else ""
    if not biometric or basis.basis is BasisKind.SEPARATE_CONSENT:
        return text
    if basis.biometric:
        return text + (", which provides for the biometric processing (GDPR Art. 9(2)(g))" if gdpr_only else
                       ", which provides for the biometric processing")
    if item.consent in (ConsentKind.SEPARATE, ConsentKind.WRITTEN):
        return text + ("; explicit consent to the biometric processing (GDPR Art. 9(2)(a))" if gdpr_only else
                       f"; {item.consent.value} consent to the biometric processing")
    return text


def _basis_todo(result: AuditResult, cited: set[str]) -> Block:
    """Ask only for the bases the model does not declare, under the laws in scope."""
    in_scope = [_BASIS_ARTICLES[k] for k in sorted(_split(cited)[0]) if k in _BASIS_ARTICLES]
    # BIPA asks a release for biometric identifiers only: asking one for payroll hours would be struck.
    only_biometric = not {"GDPR", "PIPL"} & cited and "BIPA" in cited
    biometric = biometric_ids(result.model)
    missing = sorted(d.id for d in result.model.data if d.basis is None and (d.id in biometric or not only_biometric))
    where = "; ".join(in_scope) or "the data-protection law that applies"
    interest = " and any legitimate interest pursued" if "GDPR" in cited else ""
    if missing:
        return Block("todo", f"State the purpose and lawful basis ({where}){interest} of the data items the "
                             f"model declares none for: {', '.join(missing)}; check the declared ones above.")
    return Block("todo", f"Check each declared basis above against {where}{interest}.")


def _group_rows(result: AuditResult, found: list[FindingGroup], limit: int = 25) -> list[list[str]]:
    rows = []
    # the report's order (severity, then risk): a lawyer reading "the riskiest" looks for the critical ones first
    for group in sorted(found, key=lambda g: (view.severity_rank(g.lead.severity), -g.lead.risk, g.lead.id))[:limit]:
        f = group.lead
        rows.append([f.severity, f"{f.risk:.2f}", group.headline, view.label(result, f.places[0]) if f.places else "",
                     f.status, ", ".join(f.regulations)])
    return rows


def _description(result: AuditResult) -> list[Block]:
    s = result.summary
    model = result.model
    cited = laws(result)
    gdpr_only = "GDPR" in cited and "PIPL" not in cited
    out = [Block("p", f"{s.name}{' (version ' + s.version + ')' if s.version else ''}: "
                      f"{s.description or 'the model gives no description.'}"),
           Block("p", f"{s.counts.elements} elements in {s.counts.zones} trust zones, {s.counts.flows} flows, "
                      f"{s.counts.data} data items of which {s.counts.biometric_data} biometric; the largest data set "
                      f"concerns {view.people(s.max_subjects)} people.")]
    portraits, biometric = compared_portraits(model), biometric_ids(model)
    rows = [[d.name or d.id, d.id, _category(d, portraits), view.people(d.subjects),
             ", ".join(d.purposes) or "not stated", _basis(d, gdpr_only, d.id in biometric),
             f"{d.retention_days} days" if d.retention_days is not None else "not stated"]
            for d in sorted(model.data, key=lambda d: (d.id not in biometric, d.id))]
    out.append(Block("table", header=["data item", "id", "category", "people", "purposes", "lawful basis",
                                      "retention"], rows=rows))
    from biotm.report.dpia_scope import subject_zones

    # The data subject's own phone is no organisation's: naming the applicant as one would be struck.
    own_devices = subject_zones(result)  # once: it reads every element (1,000 zones x 10,000 elements took 5 s)
    processors = sorted({z.owner for z in result.zones if z.id not in own_devices})
    out.append(Block("p", "Organisations involved (zone owners): " + ", ".join(processors) + "."))
    crossings = [c for c in result.crossings if c.cross_border or c.disclosure]
    if crossings:
        rows = [[c.flow, f"{view.label(result, c.source)} ({c.source_zone})",
                 f"{view.label(result, c.target)} ({c.target_zone})",
                 ", ".join(k for k, on in (("disclosure", c.disclosure), ("cross-border", c.cross_border)) if on),
                 ", ".join(c.data)] for c in crossings[:40]]
        out.append(Block("table", header=["flow", "from", "to", "kind", "data"], rows=rows))
    out.append(_basis_todo(result, laws(result)))
    return out


def _necessity(result: AuditResult, found: list[FindingGroup]) -> list[Block]:
    related = [g for g in found if any(word in g.lead.rule for word in _NECESSITY)]
    out = [Block("p", f"{len(related)} finding groups bear on necessity and proportionality (data minimisation, "
                      "purpose limitation, retention, consent):")]
    if related:
        out.append(Block("table", header=["severity", "risk", "finding", "where", "status", "regulations"],
                         rows=_group_rows(result, related)))
    out.append(Block("todo", "Explain why each biometric item is necessary for its purpose, which less intrusive "
                             "alternatives (a non-biometric check, on-device matching, a protected template) were "
                             "considered and why they were not chosen, and how long each item is kept."))
    return out


def _risks(result: AuditResult, found: list[FindingGroup]) -> list[Block]:
    opened = [g for g in found if view.is_open(g.lead)]
    total = sum(g.size for g in opened)
    folded = f" in {len(opened)} groups" if len(opened) < total else ""
    out = [Block("p", f"{total} open findings{folded}; the most serious (by severity, then risk):"),
           Block("table", header=["severity", "risk", "finding", "where", "status", "regulations"],
                 rows=_group_rows(result, opened))]
    if result.summary.irrevocable_data:
        out.append(Block("p", "Data that cannot be reset after a leak: " + ", ".join(result.summary.irrevocable_data)
                              + ". A leak harms the people concerned for life."))
    if result.chains:
        rows = [[c.who(), c.goal, f"{c.likelihood:.2f}", view.people(c.subjects),
                 " → ".join(s.action for s in c.steps)] for c in result.chains[:15]]
        out.append(Block("p", f"{len(result.chains)} identity-theft chains turn leaked or observed data into a "
                              "takeover of the people's identity:"))
        out.append(Block("table", header=["attacker", "obtains", "likelihood", "people", "steps"], rows=rows))
    out.append(Block("todo", "Add the risks the model does not describe, with the likelihood and severity you "
                             f"assign to each: discrimination by false matches; {_unmodelled_risks(result)}."))
    return out


#: Purposes of processing about a workforce: an employer's, whose people cannot freely refuse.
_EMPLOYMENT = {"time-attendance", "payroll", "physical-access", "workforce-management", "access-control",
               "employee-monitoring", "human-resources"}


def _unmodelled_risks(result: AuditResult) -> str:
    """The risks beyond the model that fit who processes: the employer's reuse and the employees' lack of choice,
    public authorities' reuse beyond their statute, or any controller's reuse for new purposes."""
    from biotm.model.schema import OrgRole

    owners = {z.owner for z in result.zones}
    states = sorted(o.name for o in result.model.organisations if o.role is OrgRole.STATE_ORGAN and o.name in owners)
    purposes = {p for d in result.model.data for p in d.purposes}
    parts = []
    if purposes & _EMPLOYMENT:
        parts += ["function creep by the employer (attendance or door data reused to monitor performance, breaks, "
                  "sick leave or union activity)", "employees' lack of a free choice to refuse enrolment"]
    if states:
        parts += ["chilling effects", f"function creep by the public authorities that hold or receive the data "
                                      f"({', '.join(states)}) beyond the statute they act under"]
    if not parts:
        parts += ["chilling effects", "function creep (the data reused for purposes beyond those stated, or "
                                      "disclosed to others)"]
    return "; ".join(parts)


def _measures(result: AuditResult, found: list[FindingGroup]) -> list[Block]:
    present = sorted({c for e in result.model.elements for c in e.controls} | {c for f in result.model.flows
                                                                                   for c in f.controls})
    out = [Block("p", "Controls already in the model: " + (", ".join(present) or "none") + ".")]
    fixes = summary.fixes(result, found, limit=10)
    if fixes:
        out.append(Block("p", "Measures envisaged (from the mitigation plan, or the controls that close the riskiest "
                              "open findings, from their fixed cost, which grows with the place):"))
        out.append(Block("table", header=["measure", "addresses", "places", "person-days"],
                         rows=[[f.title, f.reason, str(f.places), f.cost] for f in fixes]))
    tracked = [f for f in result.findings if f.acceptance is not None]
    if tracked:
        out.append(Block("table", header=["finding", "status", "tracking"],
                         rows=[[f.title, f.status, view.tracking_note(f)] for f in tracked[:40]]))
    out.append(Block("todo", "For each measure: owner, date, and how its effect will be verified; the residual "
                             "risk you accept and why."))
    return out


def document(result: AuditResult, options: ReportOptions, controller: str | None = None) -> list[Block]:
    """The DPIA / PIPIA draft as blocks; which parts appear depends on the laws the findings cite."""
    from biotm.report import dpia_scope

    everyone = dpia_scope.controllers(result)
    if controller is not None:
        controller = dpia_scope.resolve(result, controller)
        result = dpia_scope.for_controller(result, controller)
        scope = (f"This draft covers the processing {controller} answers for "
                 "(its own systems and its processors'), the flows in and out of them and the findings placed "
                 f"there; the other controllers ({', '.join(c for c in everyone if c != controller) or 'none'}) "
                 "each assess their own.")
    else:
        scope = (f"This draft covers the processing of all {len(everyone)} controllers in the model "
                 f"({', '.join(everyone)}); each handler answers for its own part (run with --controller to draft "
                 "one's)." if len(everyone) > 1 else
                 f"This draft covers the processing of the model's one controller ({', '.join(everyone)}).")
    cited = laws(result)
    engaged, standards = _split(cited)
    found = groups(result)
    date = options.date.isoformat() if options.date else "not stated (run with --today)"
    high = [g for g in found if view.is_open(g.lead) and g.lead.severity in ("critical", "high")]
    blocks = [
        # Under the PIPL alone the document is a PIPIA; calling it a (GDPR) DPIA would be struck.
        Block("h1", ("Personal-information protection impact assessment" if "PIPL" in cited and "GDPR" not in cited
                     else "Data-protection impact assessment") + f" (draft): {result.summary.name}"),
        Block("p", f"Draft prepared with {result.tool} {result.tool_version} from the threat model on {date}. "
                   f"Laws and regulations engaged by the findings: {_named(result, engaged) or 'none cited'}. "
                   + (f"Standards and guidance referred to (good practice, not law): {_named(result, standards)}. "
                      if standards else "") + f"{scope} Places marked "
                   f"{TODO} need information a model cannot give."),
    ]
    if not {"GDPR", "PIPL"} & cited:
        blocks.append(Block("p", "No finding cites the GDPR or the PIPL; the sections below follow the structure of "
                                 "GDPR Art. 35(7) as good practice, not as a duty. Check which assessment or "
                                 "written policy the laws engaged require."))
    gdpr = "GDPR" in cited or "PIPL" not in cited
    if gdpr and "GDPR" not in cited:
        # The GDPR's structure without its article numbers and duties: a BIPA assessment citing them is struck.
        blocks += [Block("h2", "1. Systematic description of the processing and its purposes"), *_description(result),
                   Block("h2", "2. Necessity and proportionality"), *_necessity(result, found),
                   Block("h2", "3. Risks to the people whose data is processed"), *_risks(result, found),
                   Block("h2", "4. Measures envisaged to address the risks"), *_measures(result, found)]
    elif gdpr:
        blocks += [Block("h2", "1. Systematic description of the processing and its purposes (GDPR Art. 35(7)(a))"),
                   *_description(result),
                   Block("h2", "2. Necessity and proportionality (GDPR Art. 35(7)(b))"), *_necessity(result, found),
                   Block("h2", "3. Risks to the rights and freedoms of data subjects (GDPR Art. 35(7)(c))"),
                   *_risks(result, found),
                   Block("h2", "4. Measures envisaged to address the risks (GDPR Art. 35(7)(d))"),
                   *_measures(result, found),
                   Block("h2", "5. Advice of the data protection officer (GDPR Art. 35(2))"),
                   Block("todo", "The DPO's advice and whether it was followed."),
                   Block("h2", "6. Views of data subjects or their representatives (GDPR Art. 35(9))"),
                   Block("todo", "How data subjects were consulted and what they said, or why it was not "
                                 "appropriate."),
                   Block("h2", "7. Prior consultation (GDPR Art. 36)"),
                   Block("p", f"{len(high)} critical or high finding groups remain open. " + (
                       "If the measures above do not bring the residual risk down, the supervisory authority must "
                       "be consulted before processing starts." if high else
                       "No critical or high risk remains open in the model."))]
    if "PIPL" in cited:
        sensitive = [d.id for d in result.model.data if is_sensitive("PIPL", d)]  # Art. 28, not only biometrics
        triggers = [("sensitive personal information (Art. 55(1))", bool(sensitive)),
                    ("entrusting processing or providing it to others (Art. 55(3))",
                     any(c.disclosure for c in result.crossings)),
                    ("providing personal information abroad (Art. 55(4))",
                     any(c.cross_border for c in result.crossings))]
        blocks += [Block("h2", "Personal-information protection impact assessment (PIPL Art. 55 and 56)"),
                   Block("table", header=["Art. 55 trigger", "in this model"],
                         rows=[[name, "yes" if on else "no"] for name, on in triggers])]
        if not gdpr:
            blocks += [Block("h2", "Description of the processing"), *_description(result)]
        blocks += [Block("h2", "PIPL Art. 56(1): are the purpose and method lawful, legitimate and necessary?"),
                   *_necessity(result, found),
                   Block("h2", "PIPL Art. 56(2): impact on individuals' rights and interests, and security risks"),
                   *_risks(result, found),
                   Block("h2", "PIPL Art. 56(3): are the protective measures lawful, effective and proportionate?"),
                   *_measures(result, found),
                   Block("todo", "Keep this assessment and the processing records for at least three years "
                                 "(PIPL Art. 56); record who approved it and when.")]
    blocks += [Block("h2", "Sign-off"), Block("todo", "Name, role and date of the person who approves this "
                                                       "assessment.")]
    return blocks


def render_markdown(result: AuditResult, options: ReportOptions, controller: str | None = None) -> str:
    from biotm.report.markdown import table, text

    lines: list[str] = []
    for block in document(result, options, controller):
        if block.kind == "h1":
            lines += [f"# {text(block.text)}", ""]
        elif block.kind == "h2":
            lines += [f"## {text(block.text)}", ""]
        elif block.kind == "todo":
            lines += [f"> **{TODO}:** {text(block.text)}", ""]
        elif block.kind == "table":
            lines += table([text(h) for h in block.header], ([text(c) for c in row] for row in block.rows))
        else:
            lines += [text(block.text), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def render_html(result: AuditResult, options: ReportOptions, controller: str | None = None) -> str:
    from markupsafe import escape

    from biotm.report.html import csp_hash

    def e(value: str) -> str:
        return str(escape(view.printable(value)))

    blocks = document(result, options, controller)
    style = ("body{font:14px/1.5 system-ui,sans-serif;max-width:960px;margin:0 auto;padding:0 20px 40px}"
             "table{border-collapse:collapse;width:100%;margin:8px 0 16px}th,td{border:1px solid #cfd8dc;"
             "padding:3px 6px;text-align:left;vertical-align:top}th{background:#eceff1}.todo{border-left:4px solid "
             "#e65100;background:#fff3e0;padding:6px 10px}@media print{tr,.todo{break-inside:avoid}}")
    parts = ['<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">',
             f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src {csp_hash(style)}; '
             "base-uri 'none'; form-action 'none'\">",
             f"<title>{e(blocks[0].text)}</title>\n<style>{style}</style>\n</head>\n<body>"]
    for block in blocks:
        if block.kind in ("h1", "h2"):
            parts.append(f"<{block.kind}>{e(block.text)}</{block.kind}>")
        elif block.kind == "todo":
            parts.append(f'<p class="todo"><strong>{TODO}:</strong> {e(block.text)}</p>')
        elif block.kind == "table":
            head = "".join(f"<th>{e(h)}</th>" for h in block.header)
            body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in block.rows)
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        else:
            parts.append(f"<p>{e(block.text)}</p>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


def render_pdf(result: AuditResult, options: ReportOptions, controller: str | None = None) -> bytes:
    from biotm.report import pdf

    return pdf.render_blocks(document(result, options, controller), TODO, f"biotm DPIA draft: {result.summary.name}")


def render_docx(result: AuditResult, options: ReportOptions, controller: str | None = None) -> bytes:
    from biotm.report import dpia_docx

    title = f"biotm DPIA draft: {result.summary.name}"
    return dpia_docx.render_blocks(document(result, options, controller), TODO, title, options.date)
