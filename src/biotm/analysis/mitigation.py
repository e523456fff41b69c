"""The mitigation plan: which controls to add first, by risk removed per person-day.

One planner for `biotm mitigate` and `biotm analyze --budget`. Risk is `biotm.analysis.risk.risk_of`
(open findings, theft chains counted one by one). Candidates (`collect`) come from the mitigations open
findings name at their places, the controls that break theft chains, the controls missing on attack
paths to exposed data, and a minimum cut; a candidate the place cannot carry is never one
(`candidates.fits`), and an obligation (a DPIA) is one candidate per processing. The plan is greedy by
risk removed per person-day, lazily re-evaluated, and every gain is exact: measured by
`biotm.analysis.incremental`, which re-evaluates only what the added controls can change.
"""

from __future__ import annotations

import gc
import heapq
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from biotm.analysis.candidates import (
    Candidate,
    Placed,
    cost_basis,
    cost_of,
)
from biotm.analysis.incremental import RuleState
from biotm.analysis.incremental_attack import AttackOutcome, AttackState, lowered
from biotm.analysis.plan_pool import collect, present_controls
from biotm.analysis.plan_wording import (
    RULE_WORK_AUDITS,
    RULE_WORK_FLOOR,
    SETUP_RUNS,
    not_planned,
    owed_by_law,
    plan_findings_bound,
    stopped,
    superseded,
    why,
)
from biotm.analysis.risk import CHAIN_RULE, OPEN, risk_of
from biotm.analysis.rule_checks import RuleChecks
from biotm.analysis.stage import EXPOSURE_RULE, AttackAnalysis
from biotm.graph import SystemGraph
from biotm.model.loader import LoadedModel
from biotm.options import DEFAULT_PLAN_WORK, AuditOptions
from biotm.result import AuditResult, MitigationPlan, PlanItem

__all__ = ["Candidate", "collect", "plan", "present_controls", "risk_of"]

#: Items a plan lists at most unless told otherwise; the plan says when it stopped here.
MAX_ITEMS = 20
Progress = Callable[[str], None]
EPSILON = 1e-9


class _Missed(Exception):
    """A deferred commit changed the attack outcome: the plan is made again without deferring."""


@dataclass
class _Entry:
    """A candidate's place in the lazy greedy: its key is exact in round `fresh`, an upper bound before."""

    candidate: Candidate
    cost: float
    gain: float = math.inf
    fresh: int = -1
    outcome: AttackOutcome | None = None
    closes: list[str] = field(default_factory=list)
    version: int = 0


class _Planner:
    def __init__(
        self,
        graph: SystemGraph,
        result: AuditResult,
        analysis: AttackAnalysis,
        options: AuditOptions,
        defer: bool = True,
        checks: RuleChecks | None = None,
    ) -> None:
        self.graph = graph
        self.options = options
        self.overrides = graph.model.settings.control_cost_days
        rule_findings = [f for f in result.findings if f.rule not in (EXPOSURE_RULE, CHAIN_RULE)]
        self.rules = RuleState(graph, options, rule_findings, checks)
        self.attack = AttackState(graph, options, analysis)
        manual = [f for f in rule_findings if f.rule == "manual-threat" and f.status in OPEN]
        self.fixed_risk = sum(f.risk for f in manual)
        self.chosen: set[Placed] = set()
        self.defer = defer
        self._costs: dict[tuple[Placed, ...], float] = {}

    def cost(self, placed: list[Placed] | tuple[Placed, ...]) -> float:
        """`cost_of` the controls, once per distinct list (a 10k plan priced its 52k candidates 200k times)."""
        key = tuple(placed)
        found = self._costs.get(key)
        if found is None:
            found = self._costs[key] = cost_of(self.graph, key, self.overrides)
        return found

    @property
    def risk(self) -> float:
        return self.rules.total + self.attack.current.risk + self.fixed_risk

    def extra(self, candidate: Candidate) -> list[Placed]:
        return [c for c in candidate.controls if c not in self.chosen]

    def flush(self) -> None:
        """Make the attack state exact for the deferred commits (`AttackState.defer`), or start over without
        deferring when one of them changed the attack outcome after all (an attack model that is not monotone)."""
        if not self.attack.flush():
            raise _Missed

    def measure(self, entry: _Entry, round_: int) -> None:
        """The exact gain of the entry's candidate on top of what is chosen."""
        self.flush()
        extra = self.extra(entry.candidate)
        if not extra:
            entry.gain, entry.fresh, entry.outcome = 0.0, round_, None
            return
        rules_gain, closes = self.rules.gain(extra)
        attack = self.attack.evaluate(extra)
        entry.gain = rules_gain + self.attack.current.risk - attack.risk
        entry.closes = sorted({*closes, *lowered(self.attack.current.findings, attack.findings)})
        entry.outcome = attack if attack is not self.attack.current else None
        entry.fresh = round_
        entry.cost = self.cost(extra)

    def commit(self, entry: _Entry) -> PlanItem:
        extra = self.extra(entry.candidate)
        before = self.attack.current.chains
        risk_before = self.risk
        changes = entry.outcome is not None or self.attack.can_change(extra)
        if entry.outcome is None and changes and self.defer and self.attack.bound(extra) <= 0 \
                and not self.attack.may_raise(extra):
            # Its attack gain is 0 (measured or bounded): committing it need not re-run the stage now (20 of a
            # national model's 42 re-runs were such commits, encryption on shop uplinks).
            self.rules.commit(extra)
            self.attack.defer(extra)
        else:
            if changes:
                self.flush()  # a no-op after a measurement, which flushed
            outcome = entry.outcome if entry.outcome is not None else self.attack.evaluate(extra)
            self.rules.commit(extra)
            self.attack.commit(extra, outcome)
        self.chosen.update(extra)
        after_chains = {c.id for c in self.attack.current.chains}
        broken = [c for c in before if c.id not in after_chains]
        controls = sorted({c for _, c in extra})
        places = sorted({p for p, _ in extra})
        return PlanItem(
            rank=0,
            control=" + ".join(controls),
            place=", ".join(places),
            cost_days=round(entry.cost, 4),
            risk_removed=risk_before - self.risk,
            closes=entry.closes,
            breaks_chains=sorted(c.id for c in broken),
            reason=why(broken, entry.closes, entry.candidate.reason, entry.candidate.kind),
            members=[f"{p}:{c}" for p, c in sorted(extra)],
            cost_basis=cost_basis(self.graph, extra, self.overrides),
        )


def plan(
    loaded: LoadedModel,
    result: AuditResult,
    analysis: AttackAnalysis,
    options: AuditOptions,
    budget_days: float | None = None,
    max_items: int = MAX_ITEMS,
    progress: Progress | None = None,
    checks: RuleChecks | None = None,
) -> MitigationPlan:
    """The greedy plan within `budget_days` (None: no limit) and `max_items`, every gain exact; `checks`: the
    context the audit checked the rules on (`biotm.analysis.rule_checks`), so they are not checked again."""
    open_findings = sum(1 for f in result.findings if f.status in OPEN)
    if open_findings > plan_findings_bound(options.plan_work):
        # The set-up alone (the rule state over every hit, the candidates and their bounds) would exceed the work bound.
        risk = _steady(risk_of(result))
        return MitigationPlan(
            method="not planned", budget_days=budget_days, total_cost_days=0.0, total_risk_removed=0.0,
            risk_before=risk, risk_after=risk, items=[], candidates=0,
            stopped=not_planned(open_findings, options.plan_work),
        )
    # The audit's objects (a million at 10k) frozen, the collector walks only the plan's own (2 to 4 s at 10k).
    gc.freeze()
    try:
        return _plan(result, analysis, options, budget_days, max_items, progress, defer=True, checks=checks)
    except _Missed:
        # The first attempt's commits changed the controls of the audit's rule context: checked afresh.
        return _plan(result, analysis, options, budget_days, max_items, progress, defer=False)
    finally:
        gc.unfreeze()


def _plan(
    result: AuditResult,
    analysis: AttackAnalysis,
    options: AuditOptions,
    budget_days: float | None,
    max_items: int,
    progress: Progress | None,
    defer: bool,
    checks: RuleChecks | None = None,
) -> MitigationPlan:
    graph = analysis.attack_graph.graph
    step = progress or (lambda text: None)
    # before collect: the cut reads the whole attack graph
    planner = _Planner(graph, result, analysis, options, defer, checks)
    pool = collect(graph, result, analysis)
    risk_before = planner.risk
    remaining = math.inf if budget_days is None else budget_days
    entries = [_Entry(c, planner.cost(c.controls)) for c in pool]
    # The rule evaluations' work bound (`_rule_budget`): a dense model's candidates each re-check whole rules.
    rule_budget = _rule_budget(planner.rules.size, options.plan_work)
    unmeasured: set[int] = set()
    rule_bound: set[int] = set()  # the part of `unmeasured` the rule work bound left out
    # (-gain per day, index, version): an entry pushed again leaves its older keys in the heap, skipped by version
    heap: list[tuple[float, int, int]] = []
    # Round 0: every candidate gets a cheap upper bound (`_rough`) and waits in the heap; its exact rule gain is
    # worked out only when the bound reaches the top (lazy greedy: a bound is never below the gain, so the first
    # exact entry on top is the best). A dense model measures 30,000 of its 52,000 candidates this way; measuring
    # every one first spent the rule work bound on candidates that never came near the top.
    for index, entry in enumerate(entries):
        _rough(planner, entry)
        if entry.gain > EPSILON:
            heap.append((-entry.gain / entry.cost, index, entry.version))
    heapq.heapify(heap)
    report_every, measured = max(1, len(entries) // 50), 0
    by_place: dict[str, list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        for place in sorted({p for p, _ in entry.candidate.controls}):
            by_place[place].append(index)
    items: list[PlanItem] = []
    round_ = 0
    over_budget: set[int] = set()
    # Each measurement or commit of a candidate the attack stage could change re-runs that stage, whose cost grows
    # with the model: the work bound caps the re-runs, and candidates beyond it are left out, never estimated.
    # The audit and the set-up (rule state, candidates, first bounds) grow with the model too: charged first.
    places = len(graph.elements) + len(graph.flows)
    runs = math.inf if options.plan_work is None else max(0, options.plan_work - SETUP_RUNS * places) // max(places, 1)
    while heap and len(items) < max_items:
        _, index, version = heapq.heappop(heap)
        entry = entries[index]
        if version != entry.version:
            continue
        if entry.fresh != round_:
            if planner.rules.work >= rule_budget:
                unmeasured.add(index)  # its rule gain is not known for this round, and is never estimated
                rule_bound.add(index)
                continue
            # Re-bound first: cheap, and exact without a re-run when the attack stage cannot move (most of a
            # national model's 200 encryption candidates on shop uplinks, stale only because rounds passed).
            measured += 1
            if measured % report_every == 0:
                step(f"planning: {measured} candidates measured, {len(items)} items chosen")
            _bound(planner, entry, round_)
            if entry.fresh != round_:
                if planner.attack.runs >= runs:
                    unmeasured.add(index)
                    continue
                planner.measure(entry, round_)
            if entry.gain > EPSILON:
                entry.version += 1
                heapq.heappush(heap, (-entry.gain / entry.cost, index, entry.version))
            continue
        if entry.gain <= EPSILON:
            continue
        if entry.cost > remaining + EPSILON:
            over_budget.add(index)
            continue
        extra = planner.extra(entry.candidate)
        if planner.attack.runs >= runs and entry.outcome is None and planner.attack.can_change(extra):
            unmeasured.add(index)  # committing it would re-run the attack stage
            continue
        routes, reached = planner.attack.touching(), planner.attack.reached()
        items.append(planner.commit(entry))
        remaining -= entry.cost
        round_ += 1
        step(f"planning: {len(items)} items chosen")
        near = planner.rules.neighbours({p for p, _ in entry.candidate.controls})
        grown = planner.attack.raised(near, routes, reached)
        for again in sorted({i for place in grown for i in by_place.get(place, ())}):
            raised = entries[again]
            if planner.rules.work < rule_budget:
                _bound(planner, raised, round_)
            else:
                _rough(planner, raised)
            raised.version += 1
            if raised.gain > EPSILON:
                heapq.heappush(heap, (-raised.gain / raised.cost, again, raised.version))
    planner.flush()  # the risk left must be the re-analysed one
    for rank, item in enumerate(items, start=1):
        item.rank = rank
        item.risk_removed = _steady(item.risk_removed)
    # Sums of the same findings in another file order differ in the last bits: report them steadied.
    risk_before, risk_after = _steady(risk_before), _steady(planner.risk)
    left = ({i for _, i, v in heap if v == entries[i].version} | over_budget) - unmeasured
    audits = planner.rules.work / max(planner.rules.size, 1)
    bounded = (planner.attack.runs, places, options.plan_work, len(unmeasured), len(pool), len(rule_bound), audits)
    return MitigationPlan(
        method="greedy by risk removed per person-day; every gain measured exactly (incremental re-analysis)",
        budget_days=budget_days,
        total_cost_days=round(sum(i.cost_days for i in items), 4),
        # steadied too: the difference of two large sums read 37.608000000000175 in the JSON
        total_risk_removed=_steady(risk_before - risk_after),
        risk_before=risk_before,
        risk_after=risk_after,
        items=items,
        candidates=len(pool),
        stopped=stopped(
            len(items), max_items, len(left), len(over_budget), planner.risk, budget_days, remaining,
            bounded if unmeasured else None,
        ) + owed_by_law(result, items),
        superseded=superseded(result, items),
    )


def _steady(value: float) -> float:
    return round(value, 10)


def _bound(planner: _Planner, entry: _Entry, round_: int) -> None:
    """An upper bound of the entry's gain now: its exact rule gain plus the attack routes through its places
    (exact, and fresh for this round, when the attack stage cannot change)."""
    extra = planner.extra(entry.candidate)
    gain, entry.closes = planner.rules.gain(extra)
    entry.cost = planner.cost(extra) if extra else entry.cost
    # A control the attack stage never reads there, or one at places no exposure's or chain's best route passes,
    # cannot lower the attack risk (adding controls only lowers steps): its rule gain is then exact, no re-run.
    attack_bound = planner.attack.bound(extra) if planner.attack.can_change(extra) else 0.0
    if attack_bound > 0.0 or planner.attack.may_raise(extra):
        entry.gain, entry.fresh = gain + attack_bound, -1
    else:
        entry.gain, entry.fresh, entry.outcome = gain, round_, None


def _rough(planner: _Planner, entry: _Entry) -> None:
    """An upper bound of the entry's gain now without evaluating a rule (`RuleState.upper`): it orders the
    candidates for the work bound, and stands in the heap until the entry's turn to be measured."""
    extra = planner.extra(entry.candidate)
    attack_bound = planner.attack.bound(extra) if planner.attack.can_change(extra) else 0.0
    entry.gain, entry.fresh = planner.rules.upper(extra) + attack_bound, -1
    entry.cost = planner.cost(extra) if extra else entry.cost


def _rule_budget(size: int, plan_work: int | None) -> float:
    """The rule evaluations a plan may spend (`RuleState.work`): RULE_WORK_AUDITS times what the audit's rule
    checks cost, plus RULE_WORK_FLOOR, scaled with --plan-work; no bound when it is 0."""
    if plan_work is None:
        return math.inf
    return (RULE_WORK_FLOOR + RULE_WORK_AUDITS * size) * plan_work / DEFAULT_PLAN_WORK
