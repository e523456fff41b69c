"""What an audit runs and how (`AuditOptions`): read by the pipeline, the rules engine and the analyses.

Its own module, importing nothing of biotm, so that every stage can take its options without importing
the pipeline that runs the stages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

#: The plan's default work bound (`AuditOptions.plan_work`).
DEFAULT_PLAN_WORK = 200_000


@dataclass(frozen=True)
class AuditOptions:
    """What to run and how; the defaults run everything."""

    rules: tuple[str, ...] = ()
    skip_rules: tuple[str, ...] = ()
    with_controls: tuple[str, ...] = ()
    budget_days: float | None = None
    attackers: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    k_paths: int = 3
    #: Mitigation plan: True always (biotm mitigate), False never, None only when given a budget.
    plan: bool | None = None
    #: Items a plan lists at most (it says when it stopped there); the same for mitigate and analyze --budget.
    plan_items: int = 20
    #: Attack-stage work a plan may spend measuring and committing candidates, in places re-analysed (elements
    #: and flows of the model per re-run of the attack stage); None: no bound. The plan says when it bound it.
    #: The audit and the plan's set-up are charged first, as `plan_wording.SETUP_RUNS` re-runs, so the plan's
    #: whole work stays about the same at every size. 200,000 never binds on a hand-written model nor on the
    #: generated 2,000-element one (23 re-runs, 19 used), and leaves none at 10,000 (issue 18's 15 s). The
    #: rule evaluations are bounded in proportion (`mitigation._rule_budget`).
    plan_work: int | None = DEFAULT_PLAN_WORK
    #: The day acceptances are checked against; fixed by the caller so reports are reproducible.
    today: dt.date | None = None
    #: Group alike findings (`AuditResult.groups`); biotm diff matches findings one by one and skips it.
    groups: bool = True
    #: Called with the name of each stage as it starts (the CLI's progress bar); never changes results.
    progress: Callable[[str], None] | None = field(default=None, compare=False)
