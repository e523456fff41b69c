"""Score rule hits into findings: the public scoring API of the rule engine.

`RuleScores(rule)` holds one rule's memoised scores; `Scorer(ctx).finding(scores, hit)` turns one hit into
its `Finding` (None when the controls at its control places suppress it), exactly as `run_rules` does.
Anything that re-scores hits (the incremental planner, `biotm.analysis.incremental`) uses these two, so a
re-scored hit is scored as the audit scores it. Both memoise on their inputs; neither mutates a finding.
"""

from __future__ import annotations

from typing import Any

from biotm.legal.scope import Citations, PlaceScope
from biotm.model.schema import DataItem
from biotm.result import Factor, Finding, finding_id, trusted_finding
from biotm.rules.base import KIT_PARTS, Hit, Rule, RuleContext, kit_parts, kit_role, max_subjects
from biotm.rules.fitting import Proposals
from biotm.rules.registry import BUILTIN_FAMILIES
from biotm.scoring import CONTROL_EFFECT, impact, likelihood, severity

#: Exposure flags of a place: internet-facing, public place, crosses a boundary, crosses an owner, head count.
Exposure = tuple[bool, bool, bool, bool, int]
_NO_EXPOSURE: Exposure = (False, False, False, False, 0)
_NO_CONTROLS: frozenset[str] = frozenset()


class RuleScores:
    """Per rule: which present controls matter, and the score of each distinct (controls, exposure, data, extras).

    A national model has hundreds of thousands of hits but few distinct keys (identical shop terminals), so
    each score, and the lists a finding carries, are built once and shared by every finding with that key
    (findings are never mutated; serialisation does not see the sharing).
    """

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.relevant = frozenset(rule.mitigations)
        #: Built-in rules' hits are typed and checked by their tests; a pack's are validated like any input.
        self.trusted = rule.family in BUILTIN_FAMILIES
        self.categories = list(rule.categories)
        self.threat_tree = list(rule.threat_tree)
        self.cwe = list(rule.cwe)
        self.suppressed: dict[frozenset[str], bool] = {}
        #: A place's control set -> the part this rule cares about; one object per distinct part, so the
        #: scoring keys built from them hash and compare cheaply.
        self.relevant_of: dict[frozenset[str], frozenset[str]] = {}
        self._parts: dict[frozenset[str], frozenset[str]] = {}
        #: Finding fields per scoring key (see Scorer.finding); findings copy them and share the lists.
        self.templates: dict[tuple[object, ...], dict[str, Any]] = {}
        #: A hit's risk per risk key (see Scorer.risk).
        self.risks: dict[tuple[object, ...], float] = {}

    def relevant_part(self, controls: frozenset[str]) -> frozenset[str]:
        """The controls among `controls` this rule's mitigations name (one shared object per distinct part)."""
        part = self.relevant_of.get(controls)
        if part is None:
            part = self.relevant_of[controls] = self.shared(controls & self.relevant)
        return part

    def shared(self, controls: frozenset[str]) -> frozenset[str]:
        """The one stored object equal to `controls`, so that keys built from it compare by identity first."""
        return self._parts.setdefault(controls, controls)

    def is_suppressed(self, present: frozenset[str]) -> bool:
        """Do the controls `present` hold every control of one of the rule's `suppressed_by` sets?"""
        if present not in self.suppressed:
            self.suppressed[present] = any(
                group and all(control in present for control in group) for group in self.rule.suppressed_by
            )
        return self.suppressed[present]



def _scored(present: frozenset[str], flags: Exposure, hit: Hit) -> tuple[object, ...]:
    """What a hit's risk depends on, as the head of a memo key: the controls present, the exposure, the data
    and the hit's own likelihood and impact factors."""
    return (
        present,
        flags,
        hit.data,
        tuple((f.reason, f.effect) for f in hit.likelihood_factors) if hit.likelihood_factors else (),
        tuple((f.reason, f.effect) for f in hit.impact_factors) if hit.impact_factors else (),
    )

class Scorer:
    """Scores hits into findings. Scores are memoised on their inputs: in large models thousands of places
    share the same data, controls and exposure, and building the factor lists dominated."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.effects = ctx.graph.model.settings.control_effect
        self._impacts: dict[tuple[object, ...], tuple[float, list[Factor]]] = {}
        self._likelihoods: dict[tuple[object, ...], tuple[float, list[Factor]]] = {}
        self._exposure: dict[tuple[str, ...], Exposure] = {}
        #: Per element: (internet-facing zone, public-place zone, actors with access); per flow: (crosses a
        #: boundary, crosses an owner). The exposure of a place combines those of its elements and flows; each
        #: actor's head count is counted once however many of the place's elements it touches.
        self._element_flags: dict[str, tuple[bool, bool, frozenset[str]]] = {}
        self._flow_flags: dict[str, tuple[bool, bool]] = {}
        self._data: dict[tuple[str, ...], list[str]] = {}
        #: Per data item: its identity-kit role (`kit_role` reads its words when its category is generic).
        self._kit_roles: dict[str, str | None] = {}
        self._location_of = ctx.graph.loaded.location_of
        self._element_controls = ctx.element_control_sets
        self._flow_controls = ctx.flow_control_sets
        self.citations = Citations(ctx.graph)
        self.proposals = Proposals(ctx.graph)

    def _impact(self, rule: Rule, hit: Hit, data: list[str]) -> tuple[float, list[Factor]]:
        key = (
            tuple(data),
            rule.impact_scale,
            rule.exposure,
            hit.subjects,
            tuple((f.reason, f.effect) for f in hit.impact_factors),
        )
        if key not in self._impacts:
            items = self.ctx.items(data)
            parts = kit_parts((item for item in items if item.subjects > 1), self._kit_role)
            self._impacts[key] = impact(
                items,
                subjects=hit.subjects if hit.subjects is not None else max_subjects(items),
                kit=[p for p in KIT_PARTS if p in parts],
                scale=rule.impact_scale,
                extra=hit.impact_factors,
                leak=rule.exposure,
                portraits=self.ctx.portraits,
            )
        return self._impacts[key]

    def _kit_role(self, item: DataItem) -> str | None:
        """`kit_role`, memoised per item: it reads a generic item's words, and a wide model scores every
        combination of its items apart."""
        if item.id not in self._kit_roles:
            self._kit_roles[item.id] = kit_role(item)
        return self._kit_roles[item.id]

    def _exposure_of(self, places: tuple[str, ...]) -> Exposure:
        """Exposure flags of a place (shared by every rule that fires there): over the elements among
        `places` and both ends of each flow among them, and over those flows."""
        ctx = self.ctx
        elements: set[str] = set()
        boundary = owner = False
        for place in places:
            if place in ctx.elements:
                elements.add(place)
            if place in ctx.flows:
                flow = ctx.flows[place]
                if place not in ctx.elements:
                    elements.add(flow.source)
                    elements.add(flow.target)
                crosses = self._flow_flags.get(place)
                if crosses is None:
                    crosses = self._flow_flags[place] = (place in ctx.crossing_ids, ctx.is_disclosure(flow))
                boundary = boundary or crosses[0]
                owner = owner or crosses[1]
        internet = public = False
        actors: frozenset[str] = frozenset()
        for element in elements:
            # Per element, not per place: a national model's places are mostly interactions over few zones.
            exposed = self._element_flags.get(element)
            if exposed is None:
                zone = ctx.graph.zone_of(element)
                exposed = self._element_flags[element] = (
                    zone.internet_facing,
                    zone.public_place,
                    ctx.actors_with_access.get(element, frozenset()),
                )
            internet = internet or exposed[0]
            public = public or exposed[1]
            actors = actors | exposed[2] if actors else exposed[2]
        flags = (internet, public, boundary, owner, ctx.people_of(actors))
        self._exposure[places] = flags
        return flags

    def _likelihood(self, rule: Rule, hit: Hit, flags: Exposure, present: frozenset[str]) -> tuple[float, list[Factor]]:
        lowering = tuple((c, self.effects.get(c, CONTROL_EFFECT)) for c in rule.lowered_by if c in present)
        extra = tuple((f.reason, f.effect) for f in hit.likelihood_factors)
        key = (rule.base_likelihood, flags, lowering, extra)
        if key not in self._likelihoods:
            internet, public, boundary, owner, people = flags
            self._likelihoods[key] = likelihood(
                rule.base_likelihood,
                internet_facing=internet,
                public_place=public,
                crosses_boundary=boundary,
                crosses_owner=owner,
                people=people,
                extra=hit.likelihood_factors,
                controls=lowering,
            )
        return self._likelihoods[key]

    @staticmethod
    def _triggered(rule: Rule, hit: Hit, present: frozenset[str]) -> bool:
        """The hit meets its rule's critical trigger and no control that defuses it is present."""
        return rule.may_be_critical and hit.critical and not any(c in present for c in hit.critical_unless)

    def _template(
        self, scores: RuleScores, hit: Hit, present: frozenset[str], flags: Exposure, scope: PlaceScope
    ) -> dict[str, Any]:
        """The fields of a finding fixed by its rule, relevant controls, exposure, data and the hit's extras."""
        rule = scores.rule
        data = self._data.get(hit.data)
        if data is None:
            data = self._data[hit.data] = sorted(set(hit.data))
        like, like_factors = self._likelihood(rule, hit, flags, present)
        imp, imp_factors = self._impact(rule, hit, data)
        return {
            "id": "",
            "rule": rule.id,
            "title": rule.title,
            "severity": "critical" if self._triggered(rule, hit, present) else severity(
                like, imp, may_be_critical=rule.may_be_critical
            ),
            "likelihood": like,
            "impact": imp,
            "risk": round(like * imp, 4),
            "likelihood_factors": like_factors,
            "impact_factors": imp_factors,
            "place_kind": hit.place_kind,
            "places": [],
            "data": data,
            "subjects": hit.subjects if hit.subjects is not None else max_subjects(self.ctx.items(data)) if data else 0,
            "categories": scores.categories,
            "threat_tree": scores.threat_tree,
            "cwe": scores.cwe,
            # Only the laws that apply where the finding's data live and to what they are (biotm.legal.scope).
            "regulations": self.citations.cite([*(hit.cites_only or rule.regulations), *hit.regulations], scope, data),
            "mitigations": [c for c in rule.mitigations if c not in present],
            "evidence": "",
            "location": None,
            "status": "open",
            "acceptance": None,
        }

    def present(self, scores: RuleScores, hit: Hit) -> frozenset[str]:
        """The rule's relevant controls at the hit's control places (one shared object per distinct set)."""
        present = _NO_CONTROLS
        for kind, place in hit.control_places:
            here = (self._element_controls if kind == "element" else self._flow_controls).get(place)
            if here:
                part = scores.relevant_of.get(here)
                if part is None:
                    part = scores.relevant_part(here)
                if part:
                    present = scores.shared(present | part) if present else part
        return present

    def _flags(self, scores: RuleScores, hit: Hit) -> Exposure:
        """The exposure of the hit's places when its rule scores exposure (memoised per places)."""
        if not scores.rule.exposure:
            return _NO_EXPOSURE
        return self._exposure.get(hit.places) or self._exposure_of(hit.places)

    def risk(self, scores: RuleScores, hit: Hit, present: frozenset[str] | None = None) -> float | None:
        """`finding(scores, hit).risk` (None when suppressed) without building the finding: the planner re-scores
        each hit at a candidate's place for every candidate there, and a Finding per re-score cost more than
        the score (memoised per distinct controls, exposure, data and extras, as the finding's fields are).
        `present` is `self.present(scores, hit)` when the caller knows it (a hit can have thousands of
        control places: the flows of every shop)."""
        if present is None:
            present = self.present(scores, hit)
        if present and scores.is_suppressed(present):
            return None
        flags = self._flags(scores, hit)
        key = (*_scored(present, flags, hit), hit.subjects)
        risk = scores.risks.get(key)
        if risk is None:
            data = self._data.get(hit.data)
            if data is None:
                data = self._data[hit.data] = sorted(set(hit.data))
            like, _ = self._likelihood(scores.rule, hit, flags, present)
            imp, _ = self._impact(scores.rule, hit, data)
            risk = scores.risks[key] = round(like * imp, 4)  # as `_template` rounds it
        return risk

    def finding(self, scores: RuleScores, hit: Hit) -> Finding | None:
        """The finding `hit` of `scores.rule` becomes, or None when the controls at its control places suppress it."""
        # The memo look-ups are inlined (methods only on a miss): this runs for every hit, ~500k on a national model.
        present = _NO_CONTROLS
        relevant_of = scores.relevant_of
        for kind, place in hit.control_places:
            here = (self._element_controls if kind == "element" else self._flow_controls).get(place)
            if here:
                part = relevant_of.get(here)
                if part is None:
                    part = scores.relevant_part(here)
                if part:
                    present = scores.shared(present | part) if present else part
        if present:
            suppressed = scores.suppressed.get(present)
            if suppressed is None:
                suppressed = scores.is_suppressed(present)
            if suppressed:
                return None
        flags = self._flags(scores, hit)
        key = (
            *_scored(present, flags, hit),
            hit.regulations,
            hit.cites_only,
            scope := self.citations.places(hit.places),
            hit.critical,
            hit.subjects,
        )
        template = scores.templates.get(key)
        if template is None:
            template = scores.templates[key] = self._template(scores, hit, present, flags, scope)
        # Every field but the five below is fixed by the key; the copy keeps the fields' order.
        values = template.copy()
        values["id"] = finding_id(scores.rule.id, hit.places)
        values["place_kind"] = hit.place_kind
        values["places"] = list(hit.places)
        values["evidence"] = hit.evidence
        values["location"] = self._location_of(*hit.location) if hit.location is not None else None
        fitting = self.proposals.fitting(scores.rule.mitigations, hit.control_places)
        if len(fitting) < len(scores.rule.mitigations):  # only what goes where the finding's controls count
            values["mitigations"] = [c for c in values["mitigations"] if c in fitting]
        return trusted_finding(values) if scores.trusted else Finding.model_validate(values)
