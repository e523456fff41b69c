"""Located checks of the legal parts of a model: jurisdiction codes, organisations, agreements and bases.

Run by `biotm.model.references` with its `report(path, message)`, so every problem has a line and column.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from biotm.legal.jurisdictions import problem, within
from biotm.legal.laws import IDS, LAWS, law_of
from biotm.model.schema import ActorRole, BasisKind, ElementType, LegalBasis, Model, OrgRole
from biotm.model.source import Path

Report = Callable[[Path, str], None]
#: " (did you mean 'x'?)" for a word and its pool, or "" once the problems listed are full (the checker's own).
Suggest = Callable[[str, Collection[str]], str]


def organisations_of(model: Model) -> set[str]:
    """Every organisation a model names: zones' owners and elements' operators."""
    return {z.owner for z in model.zones} | {e.operator for e in model.elements if e.operator}


def check_legal(model: Model, report: Report, suggest: Suggest) -> None:
    """Report every unknown code, organisation, controller, agreement party, law or impossible basis."""
    checked: dict[str, str | None] = {}
    for index, zone in enumerate(model.zones):
        code = zone.jurisdiction
        if code not in checked:
            checked[code] = problem(code)
        if checked[code]:
            report(("zones", index, "jurisdiction"), f"zone '{zone.id}': {checked[code]}")
    for index, item in enumerate(model.data):
        for j_index, code in enumerate(item.subject_jurisdictions):
            why = problem(code)
            if why:
                report(("data", index, "subject_jurisdictions", j_index), f"data item '{item.id}': {why}")
    named = organisations_of(model)
    _organisations(model, named, report, suggest)
    for index, agreement in enumerate(model.agreements):
        for p_index, party in enumerate(agreement.between):
            if party not in named:
                report(
                    ("agreements", index, "between", p_index),
                    f"agreement between unknown organisation '{party}'{suggest(party, named)}",
                )
        if agreement.between[0] == agreement.between[1]:
            report(("agreements", index, "between"), f"agreement between '{agreement.between[0]}' and itself")
    places = _item_places(model)
    for index, item in enumerate(model.data):
        if item.basis is not None:
            _basis(("data", index, "basis"), item.basis, f"data item '{item.id}'", places.get(item.id, set()), report,
                   suggest)
    purposes = {e.purpose for e in model.elements if e.purpose} | {p for d in model.data for p in d.purposes}
    at_purpose = _purpose_places(model)
    for index, entry in enumerate(model.bases):
        if entry.purpose not in purposes:
            report(
                ("bases", index, "purpose"),
                f"basis for unknown purpose '{entry.purpose}' (no element or data item has it)"
                f"{suggest(entry.purpose, purposes)}",
            )
        _basis(("bases", index), entry, f"purpose '{entry.purpose}'", at_purpose.get(entry.purpose, set()), report,
               suggest)


def _organisations(model: Model, named: set[str], report: Report, suggest: Suggest) -> None:
    seen: set[str] = set()
    for index, org in enumerate(model.organisations):
        if org.name in seen:
            report(("organisations", index, "name"), f"organisation '{org.name}' declared twice")
        seen.add(org.name)
        if org.name not in named:
            report(
                ("organisations", index, "name"),
                f"organisation '{org.name}' owns no zone and operates no element{suggest(org.name, named)}",
            )
        if org.controller is not None and org.controller not in named:
            report(
                ("organisations", index, "controller"),
                f"processor '{org.name}' names unknown controller '{org.controller}'"
                f"{suggest(org.controller, named)}",
            )
        if org.controller == org.name:
            report(("organisations", index, "controller"), f"processor '{org.name}' names itself as controller")
        if org.authority is not None:
            _law(("organisations", index, "authority"), org.authority, f"organisation '{org.name}'", report, suggest)
        if org.authority is not None and org.role is not OrgRole.STATE_ORGAN:
            report(
                ("organisations", index, "authority"),
                f"only a state organ names an 'authority'; '{org.name}' is a {org.role.value}",
            )


def _law(loc: Path, ref_id: str, owner: str, report: Report, suggest: Suggest) -> bool:
    """A law is a catalogue id (cited in findings) or free text naming a statute the catalogue lacks; text that
    starts like a catalogue id but is none (`PIPL-99`, `ATFL9`) is a typo."""
    if ref_id in IDS:
        return True
    token = ref_id.strip().upper()
    if " " not in token and any(
        token.startswith(law) and token[len(law) : len(law) + 1] in "-0123456789" for law in LAWS
    ):
        report(loc, f"{owner} cites unknown regulation '{ref_id}'{suggest(ref_id, IDS)}")
        return False
    return True


def _basis(
    loc: Path, basis: LegalBasis, owner: str, places: Iterable[str], report: Report, suggest: Suggest
) -> None:
    if basis.law is not None and not _law((*loc, "law"), basis.law, owner, report, suggest):
        return
    if basis.basis is not BasisKind.LEGITIMATE_INTEREST:
        return
    if basis.law in IDS and law_of(basis.law) != "GDPR":
        report(
            (*loc, "basis"),
            f"{owner}: legitimate interest is a GDPR basis (Art. 6(1)(f)); {law_of(str(basis.law))} has no such basis",
        )
    elif any(within(place, "CN") for place in places):
        report(
            (*loc, "basis"),
            f"{owner}: legitimate interest is not a basis under PIPL (Art. 13), which applies in China; "
            "declare consent, contract, legal-obligation or another Art. 13 basis",
        )


def _item_places(model: Model) -> dict[str, set[str]]:
    """Per data item: its declared subject jurisdictions, else the zones of people who hold or hand it over."""
    zone = {z.id: z.jurisdiction for z in model.zones}
    where = {e.id: zone.get(e.zone, "") for e in model.elements}
    people = {e.id for e in model.elements if e.type is ElementType.ACTOR or e.role is ActorRole.DATA_SUBJECT}
    # (jurisdiction, data ids) pairs first: a national model's 100k holders are a few distinct pairs.
    held = {(where[e.id], tuple(e.holds)) for e in model.elements if e.holds}
    held.update((where[f.source], tuple(f.data)) for f in model.flows if f.source in people and f.source in where)
    out: dict[str, set[str]] = {}
    for place, data_ids in held:
        for data_id in data_ids:
            out.setdefault(data_id, set()).add(place)
    for item in model.data:
        if item.subject_jurisdictions:
            out[item.id] = set(item.subject_jurisdictions)
    return out


def _purpose_places(model: Model) -> dict[str, set[str]]:
    """Per purpose: the jurisdictions of the elements that have it (one pass: a model may declare 200,000 bases)."""
    zone = {z.id: z.jurisdiction for z in model.zones}
    out: dict[str, set[str]] = {}
    for element in model.elements:
        if element.purpose:
            out.setdefault(element.purpose, set()).add(zone.get(element.zone, ""))
    return out
