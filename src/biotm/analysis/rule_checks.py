"""Rule checks on a context that records which controls each check tested where (`RuleChecks`).

When a plan follows, the audit's rule stage runs its checks through one (`biotm.rules.engine.run_rules`'s
`checks`), so the plan's rule state (`biotm.analysis.incremental.RuleState`) starts from those hits and reads
instead of checking every rule a second time (about a second of a dense 2,000-element model's plan).
"""

from __future__ import annotations

from typing import Any

from biotm.analysis.control_reads import Reads, Watched, copied, merge
from biotm.graph import SystemGraph
from biotm.rules.base import Hit, Rule, RuleContext

__all__ = ["RuleChecks"]


class RuleChecks:
    """A rule context whose control look-ups (and derived facts) go through a recorder of what was tested where
    (`biotm.analysis.control_reads`), and the checks the audit ran on it, kept for the plan."""

    def __init__(self, graph: SystemGraph, with_controls: tuple[str, ...] = ()) -> None:
        self.ctx = RuleContext(graph, with_controls)
        self.reading: Reads = {}
        #: Per derived fact's function: its value and the reads computing it made. The plan swaps the mapping
        #: while it re-checks a rule (facts whose reads a change touches are recomputed).
        self.derived: dict[object, tuple[object, Reads]] = {}
        self._kept: dict[str, tuple[list[Hit], Reads]] = {}
        self._record()

    def _record(self) -> None:
        ctx = self.ctx
        element_controls, flow_controls, controls_at = ctx.element_controls, ctx.flow_controls, ctx.controls_at
        reading = self.reading

        def element(element_id: str) -> Watched:
            return Watched(element_controls, element_id, element_id, reading)

        def flow(flow_id: str) -> Watched:
            return Watched(flow_controls, flow_id, flow_id, reading)

        def at(place: tuple[str, str]) -> Watched:
            return Watched(controls_at, place, place[1], reading)

        def derived(compute: Any) -> Any:
            # A derived fact is shared by the rules that ask for it: each of them depends on its reads.
            if compute not in self.derived:
                outer = copied(reading)
                reading.clear()
                value = compute(ctx)
                self.derived[compute] = (value, copied(reading))
                reading.clear()
                merge(reading, outer)
            value, reads = self.derived[compute]
            merge(reading, reads)
            return value

        # A `Watched` view answers as the frozenset would, and records what the check tested.
        ctx.element_controls = element  # type: ignore[method-assign, assignment]
        ctx.flow_controls = flow  # type: ignore[method-assign, assignment]
        ctx.controls_at = at  # type: ignore[method-assign, assignment]
        ctx.derived = derived  # type: ignore[method-assign]

    def run(self, rule: Rule) -> tuple[list[Hit], Reads]:
        """The rule's hits and the control names its check tested at each place."""
        self.reading.clear()
        hits = list(rule.check(self.ctx))
        return hits, copied(self.reading)

    def check(self, rule: Rule) -> list[Hit]:
        """The engine's check of `rule`, its hits and reads kept for `take`."""
        hits, reads = self.run(rule)
        self._kept[rule.id] = (hits, reads)
        return hits

    def take(self, rule: Rule) -> tuple[list[Hit], Reads] | None:
        """What `check` found for `rule` (once), or None when the engine did not check it (or it raised)."""
        return self._kept.pop(rule.id, None)
