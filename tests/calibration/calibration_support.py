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


def fix_leaves(case: Case) -> tuple[set[str], list[str]]:
    """The top-3 root-cause findings of the model as it was, and those of them the fixed variant still has."""
    head = open_findings(audited(case))[:TOP]
    before = {f.id for f in head if f.rule in case.removes}
    after = {f.id: f for f in open_findings(audited(case, fixed=True))}
    left = sorted(f"{after[i].rule} {'>'.join(after[i].places)}" for i in before if i in after)
    return before, left


# -- the rank table of docs/scoring.md, generated from these cases ---------------------------------------
SCORING_DOC = HERE.parent.parent / "docs" / "scoring.md"
TABLE_HEADER = "| case | incident | root causes (decided before the run) | rank reached | critical | fix removes it |"


def _incident(name: str) -> str:
    raw = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))["cases"][name]["incident"]
    return str(raw).split(":", 1)[0].strip()


def table_lines() -> list[str]:
    """The calibration table as docs/scoring.md shows it, computed from the models now."""
    lines = [TABLE_HEADER, "|---|---|---|---|---|---|"]
    for case in cases():
        result = audited(case)
        rank = root_cause_rank(case, result)
        found = open_findings(result)
        reached = "none" if rank is None else f"{rank} (`{found[rank - 1].rule}` {found[rank - 1].severity})"
        critical = sum(1 for f in found if f.severity == "critical")
        before, left = fix_leaves(case)
        removes = "yes" if before and not left else "no"
        causes = ", ".join(f"`{r}`" for r in case.root_causes)
        lines.append(f"| `{case.name}` | {_incident(case.name)} | {causes} | {reached} | {critical} | {removes} |")
    return lines


def doc_table(text: str) -> tuple[int, int]:
    """Line range [start, end) of the calibration table in docs/scoring.md."""
    lines = text.splitlines()
    start = lines.index(TABLE_HEADER)
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    return start, end
