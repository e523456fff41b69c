"""The Markdown report of a large generated model: linear work per finding, and a whole run within a CPU ceiling."""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from biotm.generate import national_model
from biotm.model import load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.report import summary, view

#: Generous: the run takes about 4 s of CPU on the 2-core CI machine; the quadratic per-element sum took minutes
#: at 10k. CPU time, never wall time, so a busy machine does not fail it.
CPU_CEILING_S = 60.0


@pytest.fixture(scope="module")
def model_2k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "national-2k.json"
    path.write_text(json.dumps(national_model(2000, seed=1)), encoding="utf-8")
    return path


def test_element_sections_look_at_each_finding_a_bounded_number_of_times(
    model_2k: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = audit(load_bytes(model_2k.read_bytes(), str(model_2k)), AuditOptions(today=dt.date(2026, 1, 1)))
    calls = 0
    real = view.is_open

    def counted(finding: object) -> bool:
        nonlocal calls
        calls += 1
        return real(finding)  # type: ignore[arg-type]

    monkeypatch.setattr(view, "is_open", counted)
    sections, _left = summary.element_sections(result)
    assert sections and len(result.findings) > 3000
    assert calls <= 2 * len(result.findings), f"{calls} status checks for {len(result.findings)} findings"


def test_markdown_of_the_2k_model_stays_within_a_cpu_ceiling(model_2k: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(
        [sys.executable, "-m", "biotm", "analyze", str(model_2k), "-f", "markdown", "-o", str(out),
         "--fail-on", "none", "--today", "2026-01-01"],
        capture_output=True, text=True, check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert run.returncode == 0, run.stderr
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert cpu < CPU_CEILING_S, f"{cpu:.1f} s CPU"
    assert out.read_text(encoding="utf-8").startswith("# ")
