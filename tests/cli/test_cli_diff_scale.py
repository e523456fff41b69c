"""`biotm diff` on two generated 2k-element models, as a real subprocess: bounded CPU, every finding accounted for.

CPU time of the child (getrusage(RUSAGE_CHILDREN)) is held to a generous ceiling, about 10x a run on a
loaded machine, so it cannot flake; it catches work that grows much faster than the number of findings.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from biotm.result import AuditResult

CPU_CEILING = 60.0  # seconds of CPU for two audits of 2k elements and the diff; quiet, it takes about 2


def _cpu_of(args: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run([sys.executable, "-m", "biotm", *args], capture_output=True, text=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return run, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("diff-scale")
    paths = []
    for seed in (1, 2):
        path = folder / f"national-{seed}.json"
        generated = subprocess.run([sys.executable, "-m", "biotm", "generate", "--elements", "2000", "--seed",
                                    str(seed), "-o", str(path)], capture_output=True, text=True, timeout=600)
        assert generated.returncode == 0, generated.stderr
        paths.append(path)
    return paths[0], paths[1]


def test_diff_of_two_2k_models_accounts_for_every_finding_in_bounded_cpu(models: tuple[Path, Path],
                                                                          tmp_path: Path) -> None:
    base, new = models
    out = tmp_path / "diff.json"
    run, cpu = _cpu_of(["diff", str(base), str(new), "-f", "json", "-o", str(out), "--today", "2026-01-01"])
    assert run.returncode in (0, 1), run.stderr
    assert cpu < CPU_CEILING, f"diff took {cpu:.1f} s of CPU"
    diff = json.loads(out.read_text(encoding="utf-8"))
    audits = []
    for path in (base, new):
        report = tmp_path / f"{path.stem}.json"
        analyzed = subprocess.run([sys.executable, "-m", "biotm", "analyze", str(path), "-f", "json", "-o",
                                   str(report), "--today", "2026-01-01"], capture_output=True, text=True, timeout=600)
        assert analyzed.returncode in (0, 1), analyzed.stderr
        # loaded as a result: the report writes group members compactly (docs/report-format.md)
        audits.append({f.id for f in AuditResult.model_validate_json(report.read_text(encoding="utf-8")).findings})
    before, after = audits
    assert {f["id"] for f in diff["new_findings"]} == after - before
    assert {f["id"] for f in diff["resolved"]} == before - after
    assert diff["unchanged"] + len(diff["changed"]) == len(before & after)
    assert diff["new_findings"] and diff["resolved"]


def test_terminal_diff_of_two_2k_models_lists_every_change_in_bounded_cpu(models: tuple[Path, Path],
                                                                          tmp_path: Path) -> None:
    base, new = models
    out = tmp_path / "diff.txt"
    run, cpu = _cpu_of(["diff", str(base), str(new), "-o", str(out), "--today", "2026-01-01", "--fail-on", "none"])
    assert run.returncode == 0, run.stderr
    assert cpu < CPU_CEILING, f"diff took {cpu:.1f} s of CPU"
    text = out.read_text(encoding="utf-8")
    counts = re.search(r"^findings: (\d+) new, (\d+) resolved, (\d+) changed, \d+ unchanged$\n.*\n.*$", text,
                       re.MULTILINE)
    assert counts, text[:500]
    new_count, resolved_count, changed_count = (int(n) for n in counts.groups())
    heads = [line.split()[0] for line in text[counts.end():].splitlines()[1:] if not line.startswith(" ")]
    assert heads.count("new") + heads.count("resolved") + heads.count("changed") == sum(int(n) for n in counts.groups())
    assert text.count("\n    at ") == new_count + resolved_count + changed_count  # each finding says where
    assert heads.count("new") == new_count and heads.count("resolved") == resolved_count
    assert heads.count("changed") == changed_count
    assert new_count and resolved_count
