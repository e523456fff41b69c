"""Fixtures for the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_support import FIXTURES, audited, hostile_yaml, populate

from biotm.result import AuditResult


@pytest.fixture(scope="session")
def rich_result() -> AuditResult:
    """The minimal fixture audited, with findings, paths, a chain and a plan added by hand."""
    return populate(audited(FIXTURES / "minimal.yaml"))


@pytest.fixture(scope="session")
def hostile_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(hostile_yaml(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def hostile_result(hostile_path: Path) -> AuditResult:
    """A model whose names and descriptions are script and markup, with findings that quote them."""
    result = populate(audited(hostile_path))
    findings = [f.model_copy(update={"evidence": f"{f.evidence} near <script>alert(1)</script>"})
                for f in result.findings]
    return result.model_copy(update={"findings": findings})
