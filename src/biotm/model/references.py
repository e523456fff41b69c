"""Cross-reference checks a schema cannot express: ids must exist, be unique, and form no cycles."""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence

from biotm.model.controls import CONTROLS
from biotm.model.errors import MAX_LISTED, Problem, Suggester
from biotm.model.legal_checks import check_legal
from biotm.model.schema import ATTACK_STEPS, Modality, Model, Requirement
from biotm.model.source import Path, SourceMap

ENTRY_KEYWORDS = ("internet", "public-place")
_CONTROL_IDS = frozenset(CONTROLS)
_MODALITIES = frozenset(m.value for m in Modality)


class _Checker:
    def __init__(self, model: Model, source: SourceMap, max_depth: int) -> None:
        self.model = model
        self.source = source
        self.max_depth = max_depth
        self.problems: list[Problem] = []
        #: Problems found after MAX_LISTED were built: only counted (no location, no suggestion to search for).
        self.unlisted = 0
        self.zones = {z.id for z in model.zones}
        self.elements = {e.id for e in model.elements}
        self.data = {d.id for d in model.data}
        self.flows = {f.id for f in model.flows}
        #: Per pool's id: the pool (held, so its id is not reused by a later pool: biotm.model.legal_checks
        #: builds its own) and its prepared suggester.
        self._suggesters: dict[int, tuple[Collection[str], Suggester]] = {}

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_LISTED

    def report(self, loc: Path, message: str) -> None:
        if self.full:
            self.unlisted += 1
            return
        line, column = self.source.mark(loc)
        self.problems.append(Problem(self.source.file, line, column, message))

    def suggest(self, word: str, pool: Collection[str]) -> str:
        """did_you_mean with the pool prepared once (pools are this checker's own sets, alive while it runs);
        nothing once the problems listed are full, since the message is then only counted."""
        if self.full:
            return ""
        held = self._suggesters.get(id(pool))
        if held is None:
            held = self._suggesters[id(pool)] = (pool, Suggester(pool))
        return held[1](word)

    def ref(self, loc: Path, value: str, pool: set[str], what: str, owner: str) -> None:
        if value not in pool:
            self.report(loc, f"{owner} refers to unknown {what} '{value}'{self.suggest(value, pool)}")

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
                    f"{owner} names unknown control '{control}'{self.suggest(control, _CONTROL_IDS)}",
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
        self._derivations()
        self._flows()
        self._attackers()
        self._places()
        check_legal(m, self.report, self.suggest)
        self._settings()
        return self.problems

    def _settings(self) -> None:
        """Every key of `settings` names a control of the catalog or a step the attack analysis knows."""
        settings = self.model.settings
        sections = (("control_cost_days", settings.control_cost_days), ("control_effect", settings.control_effect))
        for section, keys in sections:
            for control in keys:
                if control not in CONTROLS:
                    self.report(
                        ("settings", section, control),
                        f"settings name unknown control '{control}'{self.suggest(control, _CONTROL_IDS)}",
                    )
        for step in settings.step_probability:
            if step not in ATTACK_STEPS:
                self.report(
                    ("settings", "step_probability", step),
                    f"settings name unknown attack step '{step}'{self.suggest(step, ATTACK_STEPS)}",
                )

    def _zones(self) -> None:
        """Unknown parents, parent cycles (one problem each, at its first zone in the file) and nesting deeper
        than the depth limit, in one walk up from each zone that stops at zones already settled."""
        parents = {z.id: z.parent for z in self.model.zones}
        index_of = {z.id: index for index, z in reversed(list(enumerate(self.model.zones)))}
        depth: dict[str, int] = {}  # levels of parents above each settled zone (0: no known parent)
        for index, zone in enumerate(self.model.zones):
            if zone.parent is not None:
                self.ref(("zones", index, "parent"), zone.parent, self.zones, "zone", f"zone '{zone.id}'")
            trail: list[str] = []
            on_trail: set[str] = set()
            current: str | None = zone.id
            while current is not None and current in parents and current not in depth and current not in on_trail:
                trail.append(current)
                on_trail.add(current)
                current = parents[current]
            if current is not None and current in on_trail:  # a new cycle: `current` is its first zone met
                cycle = trail[trail.index(current) :]
                first = min(cycle, key=index_of.__getitem__)
                turn = cycle.index(first)
                path = " -> ".join([*cycle[turn:], *cycle[:turn], first])
                self.report(("zones", index_of[first], "parent"), f"zone parents form a cycle: {path}")
                for member in cycle:
                    depth[member] = 0  # settled: reported once, and no depth to speak of
                trail = trail[: trail.index(current)]
            above = depth.get(current, -1) if current is not None and current in parents else -1
            for member in reversed(trail):
                above += 1
                depth[member] = above
                if above == self.max_depth + 1:
                    self.report(
                        ("zones", index_of[member], "parent"),
                        f"zone '{member}' is nested more than {self.max_depth} zones deep",
                    )

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
                and data.issuperset(element.logins)
            ):
                continue  # nothing to report: skip the per-reference checks below (10^5 elements at national scale)
            owner = f"element '{element.id}'"
            loc: Path = ("elements", index)
            self.ref((*loc, "zone"), element.zone, self.zones, "zone", owner)
            self.controls((*loc, "controls"), element.controls, owner)
            self.data_refs((*loc, "holds"), element.holds, owner)
            self.data_refs((*loc, "discards"), element.discards, owner)
            self.data_refs((*loc, "logins"), element.logins, owner)
            for d_index, derivation in enumerate(element.derives):
                self.data_refs((*loc, "derives", d_index, "from"), derivation.inputs, owner)
                self.ref((*loc, "derives", d_index, "to"), derivation.output, self.data, "data item", owner)
            for v_index, verification in enumerate(element.verifies):
                self._requirement(
                    (*loc, "verifies", v_index, "requires"), verification.requires, f"verification '{verification.id}'"
                )

    def _derivations(self) -> None:
        """A data item derived from itself, directly or through others, has no origin: refuse it."""
        made_from: dict[str, list[tuple[str, Path]]] = {}  # output -> (input, where the derivation stands)
        for index, element in enumerate(self.model.elements):
            for d_index, derivation in enumerate(element.derives):
                where: Path = ("elements", index, "derives", d_index, "to")
                for source in derivation.inputs:
                    if source == derivation.output:
                        self.report(where, f"element '{element.id}' derives '{source}' from itself")
                    else:
                        made_from.setdefault(derivation.output, []).append((source, where))
        # Iterative depth-first search (a chain of thousands of derivations must not recurse).
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        for start in sorted(made_from):
            if start in state:
                continue
            state[start] = 1
            path = [start]
            pending = [iter(made_from.get(start, ()))]
            while pending:
                step = next(pending[-1], None)
                if step is None:
                    pending.pop()
                    state[path.pop()] = 2
                    continue
                source, where = step
                if state.get(source) == 1:
                    cycle = path[path.index(source) :]
                    shown = " <- ".join([*cycle, source])
                    self.report(where, f"data items are derived from each other in a cycle: {shown}")
                elif source not in state:
                    state[source] = 1
                    path.append(source)
                    pending.append(iter(made_from.get(source, ())))

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
            modality = term.removeprefix("live:")
            if modality not in _MODALITIES:
                self.report(
                    loc,
                    f"{owner} requires '{term}', but '{modality}' is not a modality "
                    f"({', '.join(sorted(_MODALITIES))}){self.suggest(modality, _MODALITIES)}",
                )
            return
        pool = self._evidence
        if term not in pool:
            self.report(
                loc,
                f"{owner} requires unknown evidence '{term}': not a data item, 'live:<modality>' "
                f"or a granted capability{self.suggest(term, pool)}",
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
                    f"{owner} starts at unknown element '{flow.source}'"
                    f"{self.suggest(flow.source, self.elements)}",
                )
            if flow.target not in self.elements:
                self.report(
                    (*loc, "target"),
                    f"{owner} targets unknown element '{flow.target}'"
                    f"{self.suggest(flow.target, self.elements)}",
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
                self.ref(("attackers", index, "entry", e_index), entry, self._entry_pool, "entry point", owner)
            self.data_refs(("attackers", index, "holds"), attacker.holds, owner)

    @functools.cached_property
    def _entry_pool(self) -> set[str]:
        return self.elements | self.zones | set(ENTRY_KEYWORDS)

    def _place_ok(self, place: str) -> bool:
        parts = place.split(">")
        if len(parts) == 3:
            return parts[0] in self.elements and parts[1] in self.flows and parts[2] in self.elements
        return place in self.elements or place in self.flows or place in self.zones or place in self.data

    def _places(self) -> None:
        # an acceptance may name a finding group by its id, RULE-gHASH (biotm/groups.py)
        named = [
            ("accepted", i, a.place) for i, a in enumerate(self.model.accepted) if not _group_place(a.rule, a.place)
        ]
        named += [("threats", i, t.place) for i, t in enumerate(self.model.threats)]
        for section, index, place in named:
            if not self._place_ok(place):
                self.report(
                    (section, index, "place"),
                    f"{section} entry names unknown place '{place}'"
                    f"{self.suggest(place, self._places_pool)}",
                )

    @functools.cached_property
    def _places_pool(self) -> set[str]:
        return self.elements | self.flows | self.zones | self.data


def check_references(model: Model, source: SourceMap, max_depth: int = 64) -> tuple[list[Problem], int]:
    """The dangling, duplicate or cyclic references in `model`, located in its file (at most MAX_LISTED),
    and how many more were found."""
    checker = _Checker(model, source, max_depth)
    return checker.run(), checker.unlisted


def _group_place(rule: str, place: str) -> bool:
    """Whether `place` is a finding group id of `rule` (RULE-gHASH), which an acceptance may name."""
    head, _, digest = place.rpartition("-g")
    return head == rule and len(digest) == 10 and all(c in "0123456789abcdef" for c in digest)
