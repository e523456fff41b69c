"""Which attack findings an audit keeps: `--rules` / `--skip-rules` apply to them as to rule findings.

Its own module so that the attack stage (`biotm.analysis`) and the incremental planner share the filter
without importing each other.
"""

from __future__ import annotations

from biotm.options import AuditOptions
from biotm.result import Finding
from biotm.rules.registry import is_selected


def selected(finding: Finding, options: AuditOptions) -> bool:
    """--rules / --skip-rules apply to attack findings too (rule id, family 'attack', or category)."""
    return is_selected(options.rules, options.skip_rules, finding.rule, "attack", finding.categories)
