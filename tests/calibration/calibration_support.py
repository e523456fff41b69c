"""Load the calibration cases: pre-incident models, their root causes and their fixed variants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from biotm.model.loader import load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.result import AuditResult, Finding

HERE = Path(__file__).resolve().parent
MODELS = HERE / "models"
TODAY = dt.date(2026, 1, 1)
TOP = 3
MAX_CRITICAL = 5


@dataclass(frozen=True)
class Case:
    name: str
    root_causes: tuple[str, ...]
    fixed_controls: tuple[str, ...]
    fixed_fields: dict[str, dict[str, dict[str, Any]]]
    removes: tuple[str, ...]

    @property
    def path(self) -> Path:
        return MODELS / f"{self.name}.yaml"


def cases() -> list[Case]:
    raw = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))["cases"]
    out = []
    for name, entry in sorted(raw.items()):
        fixed = entry.get("fixed", {})
        out.append(
            Case(
                name=name,
                root_causes=tuple(entry["root_causes"]),
                fixed_controls=tuple(fixed.get("controls", ())),
                fixed_fields={kind: fixed[kind] for kind in ("data", "elements") if kind in fixed},
                removes=tuple(entry["removes"]),
            )
        )
    return out


_cache: dict[tuple[str, bool], AuditResult] = {}


def _patched(case: Case) -> bytes:
    model = yaml.safe_load(case.path.read_text(encoding="utf-8"))
    for kind, changes in case.fixed_fields.items():
        by_id = {entry["id"]: entry for entry in model[kind]}
        for item_id, fields in changes.items():
            by_id[item_id].update(fields)
    return yaml.safe_dump(model, sort_keys=False).encode("utf-8")


def audited(case: Case, fixed: bool = False) -> AuditResult:
    key = (case.name, fixed)
    if key not in _cache:
        if fixed:
            loaded = load_bytes(_patched(case), f"{case.name}-fixed.yaml")
            options = AuditOptions(today=TODAY, with_controls=case.fixed_controls)
        else:
            loaded = load_bytes(case.path.read_bytes(), str(case.path.name))
            options = AuditOptions(today=TODAY)
        _cache[key] = audit(loaded, options)
    return _cache[key]


def open_findings(result: AuditResult) -> list[Finding]:
    """Open findings in report order (the order every format shows)."""
    return [f for f in result.findings if f.status in ("open", "expired-acceptance")]


def root_cause_rank(case: Case, result: AuditResult) -> int | None:
    """1-based rank of the first root-cause finding in report order, or None."""
    for rank, finding in enumerate(open_findings(result), start=1):
        if finding.rule in case.root_causes:
            return rank
    return None
