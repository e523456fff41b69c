"""`biotm export --to otm` on a generated 2k-element model, as a real subprocess: every part exported, in
bounded CPU (getrusage of the child, a generous ceiling, never wall time).

`--model-only` is the export's own work (linear in the model). With findings, export also runs the audit
and the mitigation plan, whose cost is the planner's (`biotm mitigate` on the same model costs the same).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

CPU_CEILING = 30.0  # seconds of CPU; quiet, about 1


def test_model_only_export_of_a_2k_model_has_every_part_in_bounded_cpu(tmp_path: Path) -> None:
    model = tmp_path / "national.json"
    made = subprocess.run([sys.executable, "-m", "biotm", "generate", "--elements", "2000", "--seed", "1", "-o",
                           str(model)], capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr
    out = tmp_path / "national.otm"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run([sys.executable, "-m", "biotm", "export", "--to", "otm", "--model-only", str(model), "-o",
                          str(out)], capture_output=True, text=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert run.returncode == 0, run.stderr
    assert cpu < CPU_CEILING, f"export took {cpu:.1f} s of CPU"
    source = json.loads(model.read_text(encoding="utf-8"))
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert len(exported["components"]) == len(source["elements"])
    assert len(exported["dataflows"]) == len(source["flows"])
    assert len(exported["trustZones"]) == len(source["zones"])
    assert not exported.get("threats")  # --model-only: no audit
