"""The risk of a model with some controls added, re-evaluating only what those controls can change.

Exact by construction, not estimated:

- **Rules** mostly leave controls to the engine, which applies them to each hit through the hit's
  control places. So the rule hits are found once, and adding a control re-scores only the hits whose
  control places include its place (the same engine scorer, with the place's control set extended).
  A rule whose check itself read the place's controls (the context records every read) is re-checked.
- **Attack paths and chains** read controls only through the attack graph's `PlaceControls`, which
  keeps every place it was asked about. A control at a place the search never asked about, or one the
  attack analysis never tests, cannot change it; otherwise the attack stage is re-run on the same
  system graph with the controls added (no re-load, no lineage, no rules).

The attack half is `biotm.analysis.incremental_attack`. `tests/analysis/test_incremental_exact.py` checks
every evaluation against a full re-audit of the model with the controls added, on random models and on every
scenario.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from biotm.analysis.control_reads import Reads, affected
from biotm.analysis.risk import OPEN
from biotm.analysis.rule_checks import RuleChecks
from biotm.graph import SystemGraph
from biotm.options import AuditOptions
from biotm.result import Finding, finding_id
from biotm.rules import registry
from biotm.rules.base import Hit
from biotm.rules.registry import BUILTIN_FAMILIES

# The engine's public scorer, shared so a re-scored hit is scored exactly as the audit scores it.
from biotm.rules.scorer import RuleScores as _RuleScores
from biotm.rules.scorer import Scorer as _Scorer

Placed = tuple[str, str]
#: A re-check walks the model, not only its hits and reads: `RuleState.work` charges it one more unit per this
#: many places (a dense model's store-exposure re-check visits every store's flows to report a few stores).
RECHECK_PLACES = 50
#: Per re-scored hit index: its risk and the rule's relevant controls at its control places.
Rescored = dict[int, tuple[float, frozenset[str]]]

class _RuleRun:
    """One rule's open risk per hit, and the places whose controls its check itself read."""

    def __init__(self, scores: _RuleScores) -> None:
        self.scores = scores
        self.hits: list[Hit] = []
        self.risk: list[float] = []
        self.open: list[bool] = []
        self.ids: list[str] = []
        self.at_place: dict[str, list[int]] = defaultdict(list)
        self.reads: Reads = {}
        #: Per hit, the rule's relevant controls at its control places now (`Scorer.present`).
        self.present: list[frozenset[str]] = []
        #: Per hit with many control places, their ids as a set (made when first re-scored): a hit of a linkage
        #: rule spans hundreds of places, and scanning them for every candidate was most of a 10k model's plan.
        self.place_sets: dict[int, frozenset[str]] = {}

    def changed_at(self, index: int, changed: dict[str, frozenset[str]]) -> frozenset[str]:
        """The controls `changed` adds at the hit's control places."""
        control_places = self.hits[index].control_places
        if len(control_places) <= 4:
            return frozenset().union(*(changed[p] for _, p in control_places if p in changed))
        places = self.place_sets.get(index)
        if places is None:
            places = self.place_sets[index] = frozenset(p for _, p in control_places)
        return frozenset().union(*(names for p, names in changed.items() if p in places))

    @property
    def total(self) -> float:
        return sum(r for r, o in zip(self.risk, self.open, strict=True) if o)


class RuleState:
    """Rule findings as open risk per hit, re-scored where controls are added.

    Most rules leave controls to the engine, so a control re-scores only the hits it names among their
    control places. A few rules read controls in their check (a store reachable over unauthenticated
    flows); the context records which places each check read, and adding a control at one of them
    re-runs that rule's check whole.
    """

    def __init__(
        self, graph: SystemGraph, options: AuditOptions, findings: list[Finding], checks: RuleChecks | None = None
    ) -> None:
        """`checks`: the context the audit's rule stage checked the rules on, to start from its hits (fresh
        checks when None)."""
        self.checks = checks if checks is not None else RuleChecks(graph, options.with_controls)
        ctx = self.ctx = self.checks.ctx
        self.scorer = _Scorer(ctx)
        self.status = {f.id: f.status for f in findings}
        rules, _ = registry.select(registry.all_rules(), options.rules, options.skip_rules)
        self.runs: list[_RuleRun] = []
        for rule in rules:
            scores = _RuleScores(rule)
            checked = self.checks.take(rule)
            run = self._run(scores) if checked is None else self._scored(scores, *checked)
            if run is not None:
                self.runs.append(run)
        self.total = sum(run.total for run in self.runs)
        #: What the rule checks cost the audit (their hits and reads, and the model's places), and what the plan's
        #: evaluations have cost since, in the same units (one per evaluation, re-scored hit, and hit and read of
        #: a re-check): the planner bounds the second by a multiple of the first.
        self._places = len(graph.elements) + len(graph.flows)
        self.size = sum(len(run.hits) + len(run.reads) for run in self.runs) + self._places
        self.work = 0
        self._by_place: dict[str, list[int]] | None = None
        #: Per rule the last commit changed: None when it re-checked the rule, else the hits it re-scored with
        #: other controls (`neighbours`).
        self._moved: dict[int, set[int] | None] = {}

    def _run(self, scores: _RuleScores) -> _RuleRun | None:
        """Check and score one rule as the engine does (first hit per place; suppressed hits dropped)."""
        try:
            hits, reads = self.checks.run(scores.rule)
        except Exception:
            if scores.rule.family in BUILTIN_FAMILIES:
                raise
            return None  # the audit reported it as a warning; it contributes nothing
        return self._scored(scores, hits, reads)

    def _scored(self, scores: _RuleScores, hits: list[Hit], reads: Reads) -> _RuleRun:
        run = _RuleRun(scores)
        run.reads = reads
        seen: set[tuple[str, ...]] = set()
        for hit in hits:
            if hit.places in seen:
                continue
            seen.add(hit.places)
            # The risk and id the finding would carry, without building it (a Finding per hit was most of the
            # set-up, and of each re-check of a rule with a hundred thousand hits); a pack's hits are validated
            # as the audit validates them.
            present = self.scorer.present(scores, hit)
            if scores.trusted:
                risk = self.scorer.risk(scores, hit, present)
                if risk is None:
                    continue  # suppressed already: more controls keep it so
                found_id = finding_id(scores.rule.id, hit.places)
            else:
                found = self.scorer.finding(scores, hit)
                if found is None:
                    continue
                risk, found_id = found.risk, found.id
            index = len(run.hits)
            run.hits.append(hit)
            run.ids.append(found_id)
            run.open.append(self.status.get(found_id, "open") in OPEN)
            run.risk.append(risk)
            run.present.append(present)
            for _, place in hit.control_places:
                run.at_place[place].append(index)
        return run

    def _extend(self, placed: list[Placed]) -> dict[tuple[str, str], frozenset[str]]:
        """Add the controls to the context's sets; returns what to restore."""
        saved: dict[tuple[str, str], frozenset[str]] = {}
        ctx = self.ctx
        for place, control in placed:
            kind = "flow" if place in ctx.flows else "element"
            sets = ctx.flow_control_sets if kind == "flow" else ctx.element_control_sets
            if (kind, place) not in saved:
                saved[(kind, place)] = sets.get(place, frozenset())
            sets[place] = self.ctx.widened(frozenset(sets.get(place, frozenset()) | {control}))
        return saved

    def _restore(self, saved: dict[tuple[str, str], frozenset[str]]) -> None:
        for (kind, place), controls in saved.items():
            (self.ctx.flow_control_sets if kind == "flow" else self.ctx.element_control_sets)[place] = controls

    def _evaluate(self, placed: list[Placed]) -> list[tuple[int, _RuleRun | None, Rescored]]:
        """Per touched rule: a re-checked run (its check read a changed place) or the re-scored hits."""
        places = {place for place, _ in placed}
        changed = self._changes(placed)
        all_changed = frozenset().union(*changed.values())
        one = next(iter(changed)) if len(changed) == 1 else None
        out: list[tuple[int, _RuleRun | None, Rescored]] = []
        self.work += 1
        saved = self._extend(placed)
        try:
            for number in self._runs_at(places):
                run = self.runs[number]
                # Whatever the rule declares: a check may test a control it does not name (a notice rule asks
                # for signage); the recorded reads say which names it tested where.
                if affected(run.reads, changed):
                    kept = self.checks.derived
                    # derived facts that tested the changed controls are recomputed, the others kept
                    self.checks.derived = {k: v for k, v in kept.items() if not affected(v[1], changed)}
                    try:
                        rerun = self._run(run.scores)
                    finally:
                        self.checks.derived = kept
                    self.work += self._places // RECHECK_PLACES + (len(rerun.hits) + len(rerun.reads) if rerun else 0)
                    out.append((number, rerun, {}))
                    continue
                scores = run.scores
                every = scores.relevant_part(all_changed)
                if not every:
                    continue  # no hit's controls change for this rule: neither its risk (`Scorer.risk`)
                if one is not None:
                    # a hit at the one place carries its controls (in hit order, as sorted would give)
                    hit_indexes: Iterable[int] = dict.fromkeys(run.at_place.get(one, ()))
                else:
                    hit_indexes = sorted({i for place in places for i in run.at_place.get(place, ())})
                if hit_indexes:
                    rescored: Rescored = {}
                    for index in hit_indexes:
                        hit = run.hits[index]
                        part = every if one is not None else scores.relevant_part(run.changed_at(index, changed))
                        present = scores.shared(run.present[index] | part) if part else run.present[index]
                        risk = self.scorer.risk(scores, hit, present)
                        rescored[index] = (0.0 if risk is None else risk, present)
                    self.work += len(rescored)
                    out.append((number, None, rescored))
        finally:
            self._restore(saved)
        return out

    def _changes(self, placed: list[Placed]) -> dict[str, frozenset[str]]:
        """Per place, the controls `placed` adds there as the rules see them: mfa and second-factor are one
        control to every rule, so adding one changes what a test of either sees."""
        added: dict[str, set[str]] = defaultdict(set)
        for place, control in placed:
            added[place].add(control)
        return {place: self.ctx.widened(frozenset(names)) for place, names in added.items()}

    def _runs_at(self, places: set[str]) -> list[int]:
        """The rules whose check read one of `places` or that have a hit with a control place there, in rule
        order: no other rule can see a control added there (a national model has a hundred rules and tens of
        thousands of candidates)."""
        if self._by_place is None:
            by_place: dict[str, set[int]] = defaultdict(set)
            for number, run in enumerate(self.runs):
                for place in (*run.reads, *run.at_place):
                    by_place[place].add(number)
            self._by_place = {place: sorted(numbers) for place, numbers in by_place.items()}
        if len(places) == 1:
            return self._by_place.get(next(iter(places)), [])
        return sorted({n for place in places for n in self._by_place.get(place, ())})

    def upper(self, placed: list[Placed]) -> float:
        """At least `gain(placed)[0]`, without re-checking or re-scoring: a rule whose check read a changed place
        can lose all its open risk; any other only that of its open hits at the places where a control it
        weighs is added. Costs one pass over those hits (what orders a dense model's candidates for the bound)."""
        places = {place for place, _ in placed}
        widened = self._changes(placed)
        bound = 0.0
        for number in self._runs_at(places):
            run = self.runs[number]
            if affected(run.reads, widened):
                bound += run.total
                continue
            for place, names in widened.items():
                if run.scores.relevant_part(names):
                    bound += sum(run.risk[i] for i in dict.fromkeys(run.at_place.get(place, ())) if run.open[i])
        return bound

    def gain(self, placed: list[Placed]) -> tuple[float, list[str]]:
        """Risk removed by adding `placed` now, and the finding ids it closes or lowers."""
        removed = 0.0
        lowered_ids: list[str] = []
        for number, rerun, rescored in self._evaluate(placed):
            run = self.runs[number]
            if rerun is not None:
                removed += run.total - (rerun.total if rerun is not None else 0.0)
                after = {i: r for i, r, o in zip(rerun.ids, rerun.risk, rerun.open, strict=True) if o}
                lowered_ids.extend(
                    i for i, r, o in zip(run.ids, run.risk, run.open, strict=True) if o and after.get(i, 0.0) < r
                )
                continue
            for index, (risk, _) in rescored.items():
                if run.open[index] and risk < run.risk[index]:
                    removed += run.risk[index] - risk
                    lowered_ids.append(run.ids[index])
        return removed, sorted(lowered_ids)

    def neighbours(self, places: set[str]) -> set[str]:
        """Places that share a hit with `places` (a finding that both must carry controls to close) which the last
        commit re-scored with other controls (a hit the commit left as it was cannot raise another place's gain:
        its risk is a function of its controls; a 10k model's consent and DPIA hits span a thousand places each,
        which every signage commit sent to re-bounding), and every place a rule's check read when that rule
        also reads one of `places`."""
        out = set(places)
        for number, run in enumerate(self.runs):
            if run.reads.keys() & places:
                out |= run.reads.keys()
            if number not in self._moved:
                continue
            moved = self._moved[number]
            for place in places:
                for index in run.at_place.get(place, ()):
                    if moved is None or index in moved:
                        out.update(p for _, p in run.hits[index].control_places)
        return out

    def commit(self, placed: list[Placed]) -> None:
        self._moved = {}
        for number, rerun, rescored in self._evaluate(placed):
            if rerun is not None:
                self.runs[number] = rerun
                self._moved[number] = None
            else:
                run = self.runs[number]
                moved = self._moved[number] = set()
                for index, (risk, present) in rescored.items():
                    if present != run.present[index] or risk != run.risk[index]:
                        moved.add(index)
                    run.risk[index] = risk
                    run.present[index] = present
        self._extend(placed)
        self.checks.derived = {}
        self.total = sum(run.total for run in self.runs)
        if None in self._moved.values():
            self._by_place = None  # a re-checked rule may read other places now (re-scoring moves no hit)
