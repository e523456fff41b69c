"""Cross-reference checks a schema cannot express: ids must exist, be unique, and form no cycles."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from biotm.model.controls import CONTROLS
from biotm.model.errors import Problem, did_you_mean
from biotm.model.legal_checks import check_legal
from biotm.model.schema import Model, Requirement
from biotm.model.source import Path, SourceMap

ENTRY_KEYWORDS = ("internet", "public-place")
_CONTROL_IDS = frozenset(CONTROLS)


class _Checker:
    def __init__(self, model: Model, source: SourceMap) -> None:
        self.model = model
        self.source = source
        self.problems: list[Problem] = []
        self.zones = {z.id for z in model.zones}
        self.elements = {e.id for e in model.elements}
        self.data = {d.id for d in model.data}
        self.flows = {f.id for f in model.flows}

    def report(self, loc: Path, message: str) -> None:
        line, column = self.source.mark(loc)
        self.problems.append(Problem(self.source.file, line, column, message))

    def ref(self, loc: Path, value: str, pool: set[str], what: str, owner: str) -> None:
        if value not in pool:
            self.report(loc, f"{owner} refers to unknown {what} '{value}'{did_you_mean(value, pool)}")

    def unique(self, section: str, ids: Sequence[str], what: str, seen: dict[str, str]) -> None:
        distinct = set(ids)
        if len(distinct) == len(ids) and distinct.isdisjoint(seen):  # the usual case, without a loop in Python
            seen.update(dict.fromkeys(ids, what))
            return
        for index, item_id in enumerate(ids):
            if item_id in seen:
                self.report((section, index, "id"), f"duplicate id '{item_id}' (already used by {seen[item_id]})")
            else:
                seen[item_id] = what

    def controls(self, loc: Path, ids: Sequence[str], owner: str) -> None:
        if _CONTROL_IDS.issuperset(ids):  # the usual case, checked at C speed for 10^5 elements and flows
            return
        for index, control in enumerate(ids):
            if control not in CONTROLS:
                self.report(
                    (*loc, index),
                    f"{owner} names unknown control '{control}'{did_you_mean(control, CONTROLS)}",
                )

    def data_refs(self, loc: Path, ids: Sequence[str], owner: str) -> None:
        if self.data.issuperset(ids):
            return
        for index, data_id in enumerate(ids):
            self.ref((*loc, index), data_id, self.data, "data item", owner)

    def run(self) -> list[Problem]:
        m = self.model
        self.unique("zones", [z.id for z in m.zones], "a zone", {})
        places: dict[str, str] = {}
        self.unique("elements", [e.id for e in m.elements], "an element", places)
        self.unique("flows", [f.id for f in m.flows], "a flow", places)
        self.unique("data", [d.id for d in m.data], "a data item", {})
        self.unique("attackers", [a.id for a in m.attackers], "an attacker", {})
        self._zones()
        self._elements()
        self._flows()
        self._attackers()
        self._places()
        check_legal(m, self.report)
        for control, _cost in m.settings.control_cost_days.items():
            if control not in CONTROLS:
                self.report(
                    ("settings", "control_cost_days", control),
                    f"settings name unknown control '{control}'{did_you_mean(control, CONTROLS)}",
                )
        return self.problems

    def _zones(self) -> None:
        parents = {z.id: z.parent for z in self.model.zones}
        cycles: set[frozenset[str]] = set()
        for index, zone in enumerate(self.model.zones):
            if zone.parent is None:
                continue
            self.ref(("zones", index, "parent"), zone.parent, self.zones, "zone", f"zone '{zone.id}'")
            trail = [zone.id]
            current: str | None = zone.parent
            while current is not None and current in parents and current not in trail:
                trail.append(current)
                current = parents[current]
            if current == zone.id:
                cycle = frozenset(trail)
                if cycle not in cycles:  # one problem per cycle, at its first zone in the file
                    cycles.add(cycle)
                    path = " -> ".join([*trail, zone.id])
                    self.report(("zones", index, "parent"), f"zone parents form a cycle: {path}")

    def _elements(self) -> None:
        zones, data = self.zones, self.data
        for index, element in enumerate(self.model.elements):
            if (
                element.zone in zones
                and not element.derives
                and not element.verifies
                and _CONTROL_IDS.issuperset(element.controls)
                and data.issuperset(element.holds)
                and data.issuperset(element.discards)
            ):
                continue  # nothing to report: skip the per-reference checks below (10^5 elements at national scale)
            owner = f"element '{element.id}'"
            loc: Path = ("elements", index)
            self.ref((*loc, "zone"), element.zone, self.zones, "zone", owner)
            self.controls((*loc, "controls"), element.controls, owner)
            self.data_refs((*loc, "holds"), element.holds, owner)
            self.data_refs((*loc, "discards"), element.discards, owner)
            for d_index, derivation in enumerate(element.derives):
                self.data_refs((*loc, "derives", d_index, "from"), derivation.inputs, owner)
                self.ref((*loc, "derives", d_index, "to"), derivation.output, self.data, "data item", owner)
            for v_index, verification in enumerate(element.verifies):
                self._requirement(
                    (*loc, "verifies", v_index, "requires"), verification.requires, f"verification '{verification.id}'"
                )

    @functools.cached_property
    def _evidence(self) -> set[str]:
        """Every term a verifier may require: data item ids and the capabilities granted or held."""
        granted = {g for e in self.model.elements for v in e.verifies for g in v.grants}
        held = {c for a in self.model.attackers for c in a.capabilities}
        return self.data | granted | held

    def _requirement(self, loc: Path, requirement: Requirement | str, owner: str) -> None:
        if isinstance(requirement, str):
            self._term(loc, requirement, owner)
            return
        op = "all" if requirement.all is not None else "any"
        for index, term in enumerate(requirement.all or requirement.any or []):
            if isinstance(term, str):
                self._term((*loc, op, index), term, owner)
            else:
                self._requirement((*loc, op, index), term, owner)

    def _term(self, loc: Path, term: str, owner: str) -> None:
        if term.startswith("live:"):
            return
        pool = self._evidence
        if term not in pool:
            self.report(
                loc,
                f"{owner} requires unknown evidence '{term}': not a data item, 'live:<modality>' "
                f"or a granted capability{did_you_mean(term, pool)}",
            )

    def _flows(self) -> None:
        elements, data = self.elements, self.data
        for index, flow in enumerate(self.model.flows):
            if (
                flow.source in elements
                and flow.target in elements
                and flow.source != flow.target
                and data.issuperset(flow.data)
                and _CONTROL_IDS.issuperset(flow.controls)
            ):
                continue  # nothing to report (the usual case, 2 x 10^5 times at national scale)
            owner = f"flow '{flow.id}'"
            loc: Path = ("flows", index)
            if flow.source not in self.elements:
                self.report(
                    (*loc, "source"),
                    f"{owner} starts at unknown element '{flow.source}'{did_you_mean(flow.source, self.elements)}",
                )
            if flow.target not in self.elements:
                self.report(
                    (*loc, "target"),
                    f"{owner} targets unknown element '{flow.target}'{did_you_mean(flow.target, self.elements)}",
                )
            if flow.source == flow.target:
                self.report((*loc, "target"), f"{owner} goes from '{flow.source}' to itself")
            self.data_refs((*loc, "data"), flow.data, owner)
            self.controls((*loc, "controls"), flow.controls, owner)

    def _attackers(self) -> None:
        for index, attacker in enumerate(self.model.attackers):
            owner = f"attacker '{attacker.id}'"
            for e_index, entry in enumerate(attacker.entry):
                if entry in self.elements or entry in self.zones or entry in ENTRY_KEYWORDS:
                    continue
                pool = self.elements | self.zones | set(ENTRY_KEYWORDS)  # only to suggest a fix: 10^5 ids
                self.ref(("attackers", index, "entry", e_index), entry, pool, "entry point", owner)
            self.data_refs(("attackers", index, "holds"), attacker.holds, owner)

    def _place_ok(self, place: str) -> bool:
        parts = place.split(">")
        if len(parts) == 3:
            return parts[0] in self.elements and parts[1] in self.flows and parts[2] in self.elements
        return place in self.elements or place in self.flows or place in self.zones or place in self.data

    def _places(self) -> None:
        named = [("accepted", i, a.place) for i, a in enumerate(self.model.accepted)]
        named += [("threats", i, t.place) for i, t in enumerate(self.model.threats)]
        for section, index, place in named:
            if not self._place_ok(place):
                pool = self.elements | self.flows | self.zones | self.data
                self.report(
                    (section, index, "place"),
                    f"{section} entry names unknown place '{place}'{did_you_mean(place, pool)}",
                )


def check_references(model: Model, source: SourceMap) -> list[Problem]:
    """Every dangling, duplicate or cyclic reference in `model`, located in its file."""
    return _Checker(model, source).run()
