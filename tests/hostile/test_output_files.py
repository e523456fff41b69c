"""`-o` never overwrites any file the model was read from; signals leave no temporary file; Ctrl-C exits 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from biotm.cli import cli
from biotm.cli.common import write_output
from biotm.model import load_model

MINIMAL = Path(__file__).parent.parent / "fixtures" / "minimal.yaml"


def test_output_over_a_file_read_as_input_is_refused(tmp_path: Path) -> None:
    included = tmp_path / "part.yaml"
    included.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    load_model(included)  # read as an input of this command, as a Threagile include is
    with pytest.raises(Exception, match="refusing to overwrite"):
        write_output("report\n", str(included), inputs=[])
    assert included.read_text(encoding="utf-8") == MINIMAL.read_text(encoding="utf-8")


def test_a_new_command_may_write_what_an_earlier_one_read(tmp_path: Path) -> None:
    out = tmp_path / "model.yaml"
    runner = CliRunner()
    assert runner.invoke(cli, ["export", "--help"]).exit_code == 0
    out.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    assert runner.invoke(cli, ["validate", str(out)]).exit_code == 0
    result = runner.invoke(cli, ["schema", "-o", str(out)])
    assert result.exit_code == 0, result.output


def test_a_stale_temporary_report_of_a_killed_run_is_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".report.json.biotm-{dead.pid}-abc.tmp"
    stale.write_text("half a report")
    foreign = tmp_path / ".report.json.other.tmp"
    foreign.write_text("not ours")
    write_output("{}\n", str(tmp_path / "report.json"))
    assert not stale.exists() and foreign.exists()
    assert (tmp_path / "report.json").read_text() == "{}\n"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_while_writing_leaves_no_temporary_file(tmp_path: Path, signum: int) -> None:
    """A report written slowly (a FIFO-free stand-in: a generator that sleeps) is stopped by the signal."""
    script = (
        "import sys, time\n"
        "from biotm.cli import main\n"
        "import biotm.cli.schema_cmd as s\n"
        "def slow(*a, **k):\n"
        "    print('ready', flush=True)\n"
        "    time.sleep(30)\n"
        "s.json.dumps = lambda *a, **k: (slow(), '')[1]\n"
        "sys.argv = ['biotm', 'schema', '-o', sys.argv[1]]\n"
        "main()\n"
    )
    target = tmp_path / "schema.json"
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    time.sleep(0.2)
    child.send_signal(signum)
    _out, err = child.communicate(timeout=30)
    assert child.returncode == 128 + signum, err
    assert "Traceback" not in err
    assert os.listdir(tmp_path) == []
