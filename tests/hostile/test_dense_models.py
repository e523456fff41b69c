"""Dense models (every element sends every other one data): path search and audit stay within 15 s CPU."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dense import dense_model
from test_hostile_inputs import INTERNALS, run_bounded

#: Issue 18's ceiling for any command on input the default limits accept.
DENSE_CPU_CEILING = 15.0


@pytest.mark.parametrize("size", [40, 60, 120])
@pytest.mark.parametrize("command", ["paths", "analyze"])
def test_dense_model_finishes_within_the_ceiling(command: str, size: int, tmp_path: Path) -> None:
    path = tmp_path / f"dense-{size}.json"
    path.write_text(json.dumps(dense_model(size)), encoding="utf-8")
    done, cpu = run_bounded([command, str(path)], tmp_path)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert not any(word in done.stdout + done.stderr for word in INTERNALS)
    assert done.stdout.strip()
    assert cpu < DENSE_CPU_CEILING, f"{command} on {size} dense elements took {cpu:.1f} s CPU"
