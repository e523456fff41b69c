"""The words of a mitigation plan: each item's why, what stopped the plan, which chain breakers it supersedes."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from biotm.analysis.risk import CHAIN_RULE, OPEN, chain_weight
from biotm.legal.scope import REQUIRED_BY
from biotm.model.controls import CONTROLS, SECOND_FACTOR
from biotm.options import DEFAULT_PLAN_WORK
from biotm.result import AuditResult, PlanItem, TheftChain

__all__ = ["SUPERSEDED_SHOWN", "owed_by_law", "stopped", "superseded", "why"]


def why(broken: list[TheftChain], closes: list[str], found_as: str, kind: str) -> str:
    """What the item does, most important first: the identity-theft chains it breaks (by what they would have
    given), then the findings it closes or lowers (by rule); an obligation or a cut first says what it covers."""
    parts = []
    if broken:
        goals = Counter(c.goal for c in broken)
        ordered = sorted(goals.items(), key=lambda g: (-g[1], g[0]))
        what = ", ".join(f"{goal} x{n}" if n > 1 else goal for goal, n in ordered)
        parts.append(f"breaks {len(broken)} identity-theft chain{'s' * (len(broken) > 1)} ({what})")
    rules = Counter(i.rsplit("-", 1)[0] for i in closes)
    if rules:
        named = ", ".join(f"{rule} x{n}" if n > 1 else rule for rule, n in sorted(rules.items()))
        parts.append(f"lowers {len(closes)} finding{'s' * (len(closes) > 1)} ({named})")
    if kind in ("obligation", "cut") or not parts:
        parts.insert(0, found_as)  # which processing a DPIA covers, which data a cut protects
    return "; ".join(parts)


#: Superseded chain breakers the plan names at most (the likeliest chains first).
SUPERSEDED_SHOWN = 5


def superseded(result: AuditResult, items: list[PlanItem]) -> list[str]:
    """Chain breakers (`broken_by` entries) not in the plan whose every chain a planned item already breaks: why
    a control an auditor expects first (liveness at the capture) ranks by what else it lowers, with numbers."""
    summary = {f.id: f for f in result.findings if f.rule == CHAIN_RULE and f.status in OPEN}
    breaks: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for chain in result.chains:
        if chain.finding in summary:
            for entry in chain.broken_by:
                breaks[entry].append((chain.id, chain_weight(chain, summary[chain.finding])))
    # mfa and second-factor are one control to every check: either planned at a place counts as both
    planned = {
        f"{m.split(':', 1)[0]}:{alias}"
        for item in items
        for m in item.members
        for alias in (SECOND_FACTOR if m.split(":", 1)[1] in SECOND_FACTOR else (m.split(":", 1)[1],))
    }
    by_chain = {c: item.rank for item in items for c in item.breaks_chains}
    notes: list[tuple[float, str]] = []
    for entry, chains in breaks.items():
        members = entry.split("+")
        if set(members) <= planned or not all(c in by_chain for c, _ in chains):
            continue
        ranks = sorted({by_chain[c] for c, _ in chains})
        placed = " + ".join(m.split(":", 1)[1] for m in members) + " at " + members[0].split(":", 1)[0]
        weight = sum(w for _, w in chains)
        by = " and ".join(f"item {r}" for r in ranks)
        notes.append((weight, f"{placed}: {len(chains)} chain{'s' * (len(chains) > 1)}, risk {weight:.3f}, "
                              f"all broken by {by}"))
    notes.sort(key=lambda n: (-n[0], n[1]))
    shown = [text for _, text in notes[:SUPERSEDED_SHOWN]]
    if len(notes) > SUPERSEDED_SHOWN:
        shown.append(f"{len(notes) - SUPERSEDED_SHOWN} more chain breakers are superseded the same way")
    return shown


#: The work bound (`--plan-work`) charges the audit and the plan's set-up (its rule state, the candidates and
#: their first bounds), which grow with the model as a re-run does, as this many attack-stage re-runs before
#: any re-run: measured, they cost about 9 re-runs at 10,000 elements (7 + 6 s, a re-run 1.5 s) and 12 at
#: 2,000. So what a plan spends in all is about the same at every size: the default (200,000 places) leaves 23
#: re-runs at 2,000 elements (19 used), 2 at 6,000, none from 7,000 on, where the audit and the set-up alone
#: take most of issue 18's 15 s.
SETUP_RUNS = 9

#: The plan's rule evaluations (`RuleState.work`: one per evaluation, per re-scored hit, per hit and read of a
#: re-checked rule and per `RECHECK_PLACES` places of the model it walked) are bounded at RULE_WORK_FLOOR plus
#: this many times what the audit's own rule checks cost (`RuleState.size`), scaled with --plan-work. A unit
#: is a few microseconds. The exact plans of the generated models spend 238,000 units at 2,000 elements (under
#: the floor) and 263,000 at 10,000 (under the floor and twice its 55,000); a dense random model's candidates
#: each re-check whole rules, which took minutes at 2,000 elements.
RULE_WORK_AUDITS = 2

#: Open findings a plan takes on at the default --plan-work (in proportion to it): its set-up costs about 140 µs
#: of CPU per finding on top of the audit's 105 (the rule state over every hit, some 2 candidates per finding and their
#: bounds), and an export or report of the plan 60 more, so 30,000 (and the rule bound above) keep `biotm export
#: --plan` within 15 s on the densest models under it; the generated 10,000-element model has 25,500 and is
#: planned in full, a dense random one with 22,000 flows (the default limit) has 75,000.
PLAN_MAX_FINDINGS = 30_000
RULE_WORK_FLOOR = 250_000


def stopped(
    chosen: int,
    max_items: int,
    left: int,
    over_budget: int,
    risk: float,
    budget: float | None,
    remaining: float,
    bounded: tuple[int, int, int | None, int, int, int, float] | None = None,
) -> str:
    """Why the plan ends here, in the words an auditor signs under; `bounded` (attack-stage re-runs spent,
    places per re-run, the work bound, candidates left unmeasured, candidates in all, how many of the unmeasured
    the rule work bound left out, the rule re-evaluation spent in audits' worth) says what the bound left out."""
    why = _stopped(chosen, max_items, left, over_budget, risk, budget, remaining)
    if bounded is None:
        return why
    runs, places, work, unmeasured, candidates, by_rules, audits = bounded
    if by_rules and not (chosen >= max_items and left) and not over_budget:
        why = f"stopped by the work bound: {risk:.3f} risk left"  # not "no candidate removes more risk"
    left_out = f"{unmeasured} whose gain needs an attack-stage re-run were left out after {runs} re-runs"
    if by_rules:
        others = unmeasured - by_rules
        attack = f" and {others} whose gain needs an attack-stage re-run" if others else ""
        left_out = (
            f"{by_rules} whose rule gain needs more re-evaluation than the bound allows (rule re-evaluation worth "
            f"{audits:.1f} audits spent){attack} were left out, after {runs} attack-stage re-runs"
        )
    return (
        f"{why}. Bounded: planned {candidates - unmeasured} of {candidates} candidates; {left_out} of the "
        f"{places:,}-place model (work bound {work or 0:,} places, the audit and set-up counted as {SETUP_RUNS} "
        f"re-runs, docs/mitigation.md); raise --plan-work, or 0 for no bound"
    )


def plan_findings_bound(work: int | None) -> float:
    """The open findings a plan takes on within the work bound `work` (None: no bound): PLAN_MAX_FINDINGS at the
    default, in proportion to it."""
    return math.inf if work is None else PLAN_MAX_FINDINGS * work / DEFAULT_PLAN_WORK


def not_planned(open_findings: int, work: int | None) -> str:
    """Why a model's plan was not made: its set-up alone would exceed the work bound; and the bound that would
    make it."""
    needed = -(-open_findings * DEFAULT_PLAN_WORK // PLAN_MAX_FINDINGS)
    return (
        f"not planned: the audit has {open_findings:,} open findings, over the {int(plan_findings_bound(work)):,} "
        f"a plan takes on within the "
        f"work bound (--plan-work {work or 0:,}; the plan's set-up grows with the findings, docs/mitigation.md); "
        f"--plan-work {needed:,} or more plans it (slowly), 0 for no bound"
    )


def _stopped(
    chosen: int, max_items: int, left: int, over_budget: int, risk: float, budget: float | None, remaining: float
) -> str:
    if chosen >= max_items and left:
        return (
            f"stopped at the limit of {max_items} items: {left} more candidates may remove risk, "
            f"{risk:.3f} risk left; raise --max-items"
        )
    if over_budget:
        return (
            f"stopped by the budget: {over_budget} more candidates would remove risk but cost more than the "
            f"{remaining:g} person-days left, {risk:.3f} risk left; raise --budget"
        )
    return f"no candidate removes more risk: {risk:.3f} risk left (findings no proposable control lowers)"


def owed_by_law(result: AuditResult, items: list[PlanItem]) -> str:
    """The obligations (an impact assessment, a processing agreement, a transfer mechanism) that a law in scope
    requires and the plan left out: ranked by risk per day they may fall past the budget, but they are owed."""
    planned = {tuple(member.split(":", 1)) for item in items for member in item.members}
    owed: dict[str, tuple[set[str], int]] = {}
    for finding in result.findings:
        if finding.status not in OPEN:
            continue
        cited = set(finding.regulations)
        duties = [c for c in finding.mitigations if cited & REQUIRED_BY.get(c, frozenset())]
        if not duties or any((place, c) in planned for place in finding.places for c in duties):
            continue
        laws, count = owed.get(duties[0], (set(), 0))
        owed[duties[0]] = (laws | (cited & REQUIRED_BY[duties[0]]), count + 1)
    if not owed:
        return ""
    parts = [
        f"{CONTROLS[c].title} ({', '.join(sorted(laws))}; {n} finding{'s' * (n > 1)})"
        for c, (laws, n) in sorted(owed.items())
    ]
    return ". Not in the plan, though the law in scope requires them whatever their rank: " + "; ".join(parts)
