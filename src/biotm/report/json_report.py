"""JSON report: exactly the AuditResult, serialised with sorted keys-as-declared and a final newline."""

from __future__ import annotations

from biotm.result import AuditResult


def render(result: AuditResult) -> str:
    return result.model_dump_json(indent=2) + "\n"
