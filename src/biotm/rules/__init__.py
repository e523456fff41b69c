"""The rule stage: a registry of threat rules (biometric, STRIDE, LINDDUN, packs) and the engine that runs them.

from biotm.rules import run_rules
output = run_rules(graph, options)   # findings, rules that ran, regulation references
"""

from biotm.rules.base import Hit, Rule, RuleContext
from biotm.rules.engine import RuleOutput, run_rules
from biotm.rules.registry import ENTRY_POINT_GROUP, RuleSelectionError, all_rules, check_tokens, rule

__all__ = [
    "ENTRY_POINT_GROUP",
    "Hit",
    "Rule",
    "RuleContext",
    "RuleOutput",
    "RuleSelectionError",
    "all_rules",
    "check_tokens",
    "rule",
    "run_rules",
]
