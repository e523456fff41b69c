"""Which of a rule's regulation ids a finding may cite: the laws that apply where its data live and whose
subject matter its data are.

The one place citations are filtered (`Citations.cite`, called by the rule engine for every finding), so every
rule benefits. A law applies when one of the finding's places lies in its territory, or, for laws that reach
data subjects abroad (PIPL, GDPR, BIPA, AI Act), when the finding's data are about people located there. On a
flow, transfer rules (`TRANSFER_IDS`) are judged by the exporting side alone. Unknown places (`XX`) rule no law
out. An article about special data (BIPA: biometrics; CN-FRT: faces; PIPL Art. 28/29: sensitive information)
is cited only if one of the finding's data items is such data under that law.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from biotm.graph.system import SystemGraph
from biotm.legal.jurisdictions import is_unknown, within
from biotm.legal.laws import YIELDS_TO_LAW
from biotm.model.schema import BIOMETRIC_CATEGORIES, BasisKind, DataCategory, DataItem, Modality
from biotm.regulations import CATALOG, MATTER, SCOPES, TRANSFER_IDS, law_of, ordered

#: Identifiers PIPL Art. 28 counts as "specific identity" sensitive information (ID card, passport, licence
#: numbers); a phone number or an account id is personal, not sensitive, information.
_PIPL_SENSITIVE = frozenset(
    {
        *BIOMETRIC_CATEGORIES,
        DataCategory.NATIONAL_ID,
        DataCategory.DOCUMENT_NUMBER,
        DataCategory.DRIVER_LICENCE,
        DataCategory.DOCUMENT_IMAGE,
    }
)


def sensitive(law: str, item: DataItem) -> bool:
    """Whether `item` is sensitive (PIPL Art. 28) or special-category (GDPR Art. 9) data under `law`."""
    if law == "PIPL":
        return item.category in _PIPL_SENSITIVE or item.minors
    # GDPR Art. 9(1): biometric data processed to identify a person; an ID photo is not, by itself (Recital 51).
    return item.is_biometric


#: What of a finding's data items decides an article's material scope: (any item, any biometric item, any
#: face item, any item PIPL counts as sensitive, any biometric item that is not a photograph).
Matter = tuple[bool, bool, bool, bool, bool]


def matter_of(items: Sequence[DataItem], portraits: Collection[str] = ()) -> Matter:
    """The `Matter` of `items` as the audit reads them (each article's subject matter is one of `MATTER`);
    `portraits` are those of them that are photographs compared with faces."""
    biometric = face = pipl = identifier = False
    for item in items:
        if item.is_biometric:
            biometric = True
            face = face or item.modality is Modality.FACE
            identifier = identifier or item.id not in portraits
        pipl = pipl or sensitive("PIPL", item)
    return bool(items), biometric, face, pipl, identifier


def covered(ref_id: str, matter: Matter) -> bool:
    """Whether the article's subject matter includes data of `matter` (no items: it cannot be ruled out)."""
    law = law_of(ref_id)
    subject = MATTER.get(ref_id) or MATTER.get(law)
    any_item, biometric, face, pipl, identifier = matter
    if subject is None or not any_item:
        return True
    if subject == "biometric":
        return biometric
    if subject == "identifier":
        return identifier
    if subject == "face":
        return face
    return pipl if law == "PIPL" else biometric  # `sensitive`: GDPR's special data are the biometric


def required_by_law(graph: SystemGraph, item_id: str, trail: frozenset[str] = frozenset()) -> bool:
    """The item is collected under a legal obligation that names its law, or derived only from such items (a
    template of a face the MIIT rule makes the carrier scan is as mandated as the scan)."""
    item = graph.data.get(item_id)
    if item is None:
        return False
    if item.basis is not None:
        return item.basis.basis is BasisKind.LEGAL_OBLIGATION and item.basis.law is not None
    inputs = graph.lineage[item_id].derived_from - trail - {item_id} if item_id in graph.lineage else set()
    return bool(inputs) and all(required_by_law(graph, i, trail | {item_id}) for i in sorted(inputs))


def applies(law: str, places: Iterable[str], subjects: Iterable[str]) -> bool:
    """Whether `law` applies to processing at `places` of data about people located at `subjects`."""
    scope = SCOPES[law]
    if scope.kind == "standard":
        return True
    places, subjects = list(places), list(subjects)
    if not places and not subjects:
        return True
    if any(is_unknown(p) for p in places) or (scope.subjects and any(is_unknown(s) for s in subjects)):
        return True
    if any(within(p, area) for p in places for area in scope.places):
        return True
    return scope.subjects and any(within(s, area) for s in subjects for area in scope.places)


def subject_places(graph: SystemGraph) -> dict[str, frozenset[str]]:
    """Per data item: where its data subjects are, as declared, else where it is collected.

    Collected: the zones of the people who hand it over and of the systems it first appears in; a derived
    item (a template) is about the people its inputs are about.
    """
    zone_of = graph.zone_of
    direct: dict[str, frozenset[str]] = {}
    for item in graph.model.data:
        if item.subject_jurisdictions:
            direct[item.id] = frozenset(item.subject_jurisdictions)
            continue
        lineage = graph.lineage[item.id]
        direct[item.id] = frozenset(zone_of(e).jurisdiction for e in lineage.origins | lineage.collected_at)
    out: dict[str, frozenset[str]] = {}

    def resolve(item_id: str, trail: frozenset[str]) -> frozenset[str]:
        if item_id in out:
            return out[item_id]
        found = direct.get(item_id, frozenset())
        if not found and item_id not in trail:
            inputs = graph.lineage[item_id].derived_from
            found = frozenset().union(*(resolve(i, trail | {item_id}) for i in sorted(inputs))) if inputs else found
        if not found:
            found = frozenset(zone_of(e).jurisdiction for e in graph.lineage[item_id].reaches)
        out[item_id] = found
        return found

    for item in graph.model.data:
        resolve(item.id, frozenset())
    return out


#: (jurisdictions of a finding's places, jurisdictions of its exporting side).
PlaceScope = tuple[frozenset[str], frozenset[str]]
#: (where the data's people are, the data's `Matter`, every face item among them processed by legal duty).
DataScope = tuple[frozenset[str], Matter, bool]


class Citations:
    """Filters the regulation ids of each finding by territorial and material scope, memoised per audit."""

    def __init__(self, graph: SystemGraph) -> None:
        self.graph = graph
        self._subjects: dict[str, frozenset[str]] | None = None
        self._places: dict[tuple[str, ...], PlaceScope] = {}
        self._scopes: dict[PlaceScope, PlaceScope] = {}
        #: Per element: its zone's jurisdiction.
        self._at = {e.id: graph.zone_of(e.id).jurisdiction for e in graph.model.elements}
        self._memo: dict[tuple[object, ...], list[str]] = {}
        self._data_scopes: dict[tuple[str, ...], DataScope] = {}
        self._shared_data_scopes: dict[DataScope, DataScope] = {}
        #: Per face item: whether a named law requires its processing (`required_by_law`).
        self._required: dict[str, bool] = {}

    def places(self, places: tuple[str, ...]) -> PlaceScope:
        """(jurisdictions of a finding's places, jurisdictions of its exporting side)."""
        found = self._places.get(places)
        if found is None:
            computed = self._compute_places(places)
            # Few distinct scopes: one shared object each, so the engine's memo keys hash them once.
            found = self._places[places] = self._scopes.setdefault(computed, computed)
        return found

    def _compute_places(self, places: tuple[str, ...]) -> PlaceScope:
        graph = self.graph
        at = self._at
        where: set[str] = set()
        exporters: set[str] = set()
        for place in places:
            code = at.get(place)
            if code is not None:
                where.add(code)
            elif place in graph.flows:
                flow = graph.flows[place]
                source = at[flow.source]
                exporters.add(source)
                where.add(source)
                where.add(at[flow.target])
            elif place in graph.zones:
                where.add(graph.zones[place].jurisdiction)
            elif place in graph.data:
                lineage = graph.lineage[place]
                where.update(at[e] for e in lineage.collected_at | lineage.stored_at)
        return frozenset(where), frozenset(exporters or where)

    def _mandated(self, items: Sequence[DataItem]) -> bool:
        """Every face item of the finding is processed because a named law requires it."""
        faces = [d for d in items if d.is_biometric and d.modality is Modality.FACE]
        if not faces:
            return False
        known = self._required
        for item in faces:
            required = known.get(item.id)
            if required is None:
                required = known[item.id] = required_by_law(self.graph, item.id)
            if not required:
                return False
        return True

    def subjects(self, data: Iterable[str]) -> frozenset[str]:
        if self._subjects is None:
            self._subjects = subject_places(self.graph)
        known = self._subjects
        return frozenset().union(*(known.get(d, frozenset()) for d in data))

    def data_scope(self, data: Sequence[str]) -> DataScope:
        """What of `data` decides which articles apply (one shared object per distinct scope)."""
        key = tuple(data)
        found = self._data_scopes.get(key)
        if found is None:
            used = self.graph.data_as_used  # a portrait compared with faces is biometric data here
            items = [used[d] for d in data if d in used]
            computed = (self.subjects(data), matter_of(items, self.graph.portraits), self._mandated(items))
            found = self._data_scopes[key] = self._shared_data_scopes.setdefault(computed, computed)
        return found

    def cite(self, ids: Iterable[str], scope: PlaceScope, data: Sequence[str]) -> list[str]:
        """The ids (catalogue order, unknown ids kept for the engine to warn about) that apply."""
        wanted = tuple(ids)
        # Keyed by what of the data decides, not by the data: a model whose flows carry many distinct
        # combinations of items has few distinct scopes of them.
        subjects, matter, mandated = data_scope = self.data_scope(data)
        key = (wanted, scope, data_scope)
        cited = self._memo.get(key)
        if cited is not None:
            return cited
        where, exporters = scope
        kept: list[str] = []
        for ref_id in dict.fromkeys(wanted):
            if ref_id not in CATALOG:
                kept.append(ref_id)
                continue
            law = law_of(ref_id)
            places = exporters if ref_id in TRANSFER_IDS else where
            if ref_id in YIELDS_TO_LAW and mandated:
                continue
            if applies(law, places, subjects) and covered(ref_id, matter):
                kept.append(ref_id)
        cited = self._memo[key] = ordered(kept)
        return cited


#: The articles that oblige an impact assessment before high-risk biometric processing.
ASSESSMENT_DUTIES = ("GDPR-35", "PIPL-55", "CN-FRT-assessment")


def assessment_owed(citations: Citations, places: tuple[str, ...], data: Sequence[str]) -> bool:
    """Whether a law in scope at `places` (or of the people in `data`) obliges an impact assessment there: BIPA,
    for one, asks for a retention policy and a written release, not a DPIA."""
    return bool(citations.cite(ASSESSMENT_DUTIES, citations.places(places), data))


#: Per obligation control, the articles that require it: what lets a plan say an obligation is owed by law.
REQUIRED_BY: dict[str, frozenset[str]] = {
    "dpia": frozenset({*ASSESSMENT_DUTIES, "PIPL-56"}),
    "data-processing-agreement": frozenset({"GDPR-28", "PIPL-21"}),
    "transfer-mechanism": frozenset({"GDPR-44", "GDPR-46", "PIPL-38", "PIPL-39"}),
}
