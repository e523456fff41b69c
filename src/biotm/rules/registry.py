"""The rule registry: built-in rules register with `@rule(...)`; packs through the `biotm.rules` entry point.

A pack's entry point names a `Rule`, an iterable of `Rule`s, or a zero-argument callable returning
either. Packs load lazily, once, on the first call to `all_rules()`; a pack that fails to import or
yields something else becomes a warning, never a crash. Nothing is evaluated from text.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import entry_points
from typing import Any

from biotm.rules.base import CheckFn, Rule

ENTRY_POINT_GROUP = "biotm.rules"

#: Modules whose import registers the built-in rules.
BUILTIN_MODULES = (
    "biotm.rules.biometric.storage",
    "biotm.rules.biometric.transit",
    "biotm.rules.biometric.capture",
    "biotm.rules.biometric.consent",
    "biotm.rules.biometric.purpose",
    "biotm.rules.biometric.identity",
    "biotm.rules.biometric.access",
    "biotm.rules.stride",
    "biotm.rules.linddun",
    "biotm.rules.linddun_assessment",
    "biotm.rules.legal",
    "biotm.rules.attack",
)

#: Families shipped with biotm: an exception in one of their rules is a bug and propagates.
BUILTIN_FAMILIES = ("biometric", "stride", "linddun", "legal")

#: Pseudo-rule under which model `threats` (hand-written or imported) are reported.
MANUAL_RULE_ID = "manual-threat"

_BUILTIN: dict[str, Rule] = {}
_LOADED: dict[str, Rule] | None = None
_PACK_WARNINGS: list[str] = []


def rule(**meta: Any) -> Callable[[CheckFn], CheckFn]:
    """Register the decorated check function as a built-in rule with metadata `meta` (see `Rule`)."""

    def register(check: CheckFn) -> CheckFn:
        built = Rule(check=check, **meta)
        if built.id in _BUILTIN:
            raise ValueError(f"rule id '{built.id}' registered twice")
        _BUILTIN[built.id] = built
        return check

    return register


def _pack_rules(obj: object) -> list[Rule]:
    if isinstance(obj, Rule):
        return [obj]
    if callable(obj) and not isinstance(obj, type):
        obj = obj()
        if isinstance(obj, Rule):
            return [obj]
    if isinstance(obj, Iterable) and not isinstance(obj, str | bytes):
        rules = list(obj)
        if all(isinstance(r, Rule) for r in rules):
            return rules
    raise TypeError("expected a Rule, an iterable of Rules, or a callable returning them")


def _load() -> dict[str, Rule]:
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    loaded = dict(_BUILTIN)
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        try:
            rules = _pack_rules(point.load())
        except Exception as exc:  # a broken pack must not stop the audit
            _PACK_WARNINGS.append(f"rule pack '{point.name}' ({point.value}) not loaded: {type(exc).__name__}: {exc}")
            continue
        for pack_rule in rules:
            if pack_rule.id in loaded or pack_rule.id == MANUAL_RULE_ID:
                _PACK_WARNINGS.append(f"rule pack '{point.name}': rule id '{pack_rule.id}' already exists; skipped")
                continue
            loaded[pack_rule.id] = pack_rule
    return loaded


def all_rules() -> list[Rule]:
    """Every registered rule (built-in and packs), sorted by family then id."""
    global _LOADED
    if _LOADED is None:
        _LOADED = _load()
    return sorted(_LOADED.values(), key=lambda r: (r.family, r.id))


def pack_warnings() -> list[str]:
    """Problems met while loading rule packs (empty when every pack loaded)."""
    all_rules()
    return list(_PACK_WARNINGS)


def reset_for_tests() -> None:
    """Forget loaded packs so the next `all_rules()` looks at entry points again."""
    global _LOADED
    _LOADED = None
    _PACK_WARNINGS.clear()


class RuleSelectionError(ValueError):
    """A --rules / --skip-rules token matches no rule id, family or category."""


def _split(tokens: Iterable[str]) -> list[str]:
    return [part.strip() for token in tokens for part in token.split(",") if part.strip()]


#: Family names; a token equal to one selects that family only (not every rule tagged 'STRIDE:…').
_FAMILIES = {"biometric", "stride", "linddun", "attack", "manual"}


def _matches(token: str, rule_id: str, family: str, categories: Sequence[str]) -> bool:
    lowered = token.lower()
    if lowered in (rule_id.lower(), family.lower()):
        return True
    if lowered in _FAMILIES:
        return False
    for category in categories:
        cat = category.lower()
        if lowered == cat or lowered == cat.split(":", 1)[0] or lowered == cat.split(":", 1)[-1]:
            return True
    return False


def _vocabulary(rules: Sequence[Rule]) -> list[str]:
    words = {MANUAL_RULE_ID, "manual"}
    for r in rules:
        words.update({r.id, r.family, *r.categories, *(c.split(":", 1)[0] for c in r.categories)})
    return sorted(words)


def check_tokens(tokens: Iterable[str], rules: Sequence[Rule] | None = None) -> list[str]:
    """The tokens split on commas; RuleSelectionError for one that selects nothing, with a suggestion."""
    rules = all_rules() if rules is None else rules
    out = _split(tokens)
    for token in out:
        if _matches(token, MANUAL_RULE_ID, "manual", ()):
            continue
        if not any(_matches(token, r.id, r.family, r.categories) for r in rules):
            close = difflib.get_close_matches(token, _vocabulary(rules), n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else "; `biotm rules` lists them"
            raise RuleSelectionError(f"unknown rule, family or category '{token}'{hint}")
    return out


def select(rules: Sequence[Rule], include: Iterable[str] = (), exclude: Iterable[str] = ()) -> tuple[list[Rule], bool]:
    """The rules to run and whether model threats (`manual-threat`) are included.

    `include` empty means everything; tokens match a rule id, a family (biometric, stride, linddun: that
    family only) or a category, its prefix or its name (BIO, 'STRIDE:Spoofing', 'Spoofing').
    """
    wanted = check_tokens(include, rules)
    unwanted = check_tokens(exclude, rules)
    picked = [r for r in rules if is_selected(wanted, unwanted, r.id, r.family, r.categories)]
    return picked, is_selected(wanted, unwanted, MANUAL_RULE_ID, "manual", ())


def is_selected(
    include: Iterable[str], exclude: Iterable[str], rule_id: str, family: str, categories: Sequence[str]
) -> bool:
    """Whether findings of this rule id, family and categories pass `--rules` / `--skip-rules` tokens."""
    wanted, unwanted = _split(include), _split(exclude)
    if wanted and not any(_matches(t, rule_id, family, categories) for t in wanted):
        return False
    return not any(_matches(t, rule_id, family, categories) for t in unwanted)
