"""Dense models (every element sends every other one data): path search and audit stay within 15 s CPU."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dense import dense_model
from strategies import random_dense_model
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


#: Every command an auditor runs on a model, as `biotm` arguments after which the model file comes.
COMMANDS = {
    "analyze json": ["analyze", "-f", "json", "-o", "out.json"],
    "analyze html": ["analyze", "-o", "out.html"],
    "analyze --budget": ["analyze", "--budget", "30", "-f", "markdown", "-o", "out.md"],
    "mitigate": ["mitigate", "-f", "json", "-o", "plan.json"],
    "export --plan": ["export", "--to", "otm", "--plan", "-o", "out.otm.json"],
    "dpia": ["dpia", "-o", "dpia.md"],
    "diagram": ["diagram", "-o", "out.svg"],
    "diff": ["diff", "base.json"],  # the dense model follows as NEW
}


#: About 10x a quiet run of the slowest (the plan's, 5 s); the unbounded plan took minutes.
RANDOM_DENSE_CPU_CEILING = 50.0


@pytest.fixture(scope="module")
def random_dense(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tenth of the densest random model the default limits admit (10,000 elements, 22,000 flows, every
    place unlike the others), and a second one to diff it with."""
    folder = tmp_path_factory.mktemp("random-dense")
    (folder / "base.json").write_text(json.dumps(random_dense_model(1000, 2200, seed=5, zones=50)), encoding="utf-8")
    path = folder / "dense.json"
    path.write_text(json.dumps(random_dense_model(1000, 2200, seed=6, zones=50)), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_on_a_random_dense_model_is_bounded(command: str, random_dense: Path) -> None:
    name, *rest = COMMANDS[command]
    rest = [*rest, str(random_dense)] if name == "diff" else [str(random_dense), *rest]  # diff: BASE, then NEW
    done, cpu = run_bounded([name, *rest], random_dense.parent)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert not any(word in done.stdout + done.stderr for word in INTERNALS)
    assert cpu < RANDOM_DENSE_CPU_CEILING, f"{command} on the random dense model took {cpu:.1f} s CPU"
    if command == "mitigate":  # the plan is bounded by work, and says so when the bound binds
        plan = json.loads((random_dense.parent / "plan.json").read_text(encoding="utf-8"))
        assert plan["items"] or "not planned" in plan["stopped"] or "Bounded" in plan["stopped"]
