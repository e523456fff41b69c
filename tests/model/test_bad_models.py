"""The bad-model corpus: every broken or hostile file fails with its expected located line, exit 2.

Expectations live in tests/bad_models/expected.yaml. Most files run through click's CliRunner for
speed; the hostile ones (bombs, deep nesting, huge input) also run as a real subprocess under an
address-space limit and a timeout, which is how "bounded time and memory" is checked without
asserting on wall time.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from biotm.cli import cli
from biotm.model import load_model
from biotm.report import FORMATS, renderer
from biotm.result import AuditResult

CORPUS = Path(__file__).parent.parent / "bad_models"
EXPECTED: dict[str, str | list[str]] = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
BAD = sorted(p.name for p in CORPUS.iterdir() if p.name != "expected.yaml" and not p.name.startswith("valid-"))
VALID = sorted(p.name for p in CORPUS.glob("valid-*"))

#: Words of Python and pydantic that must never reach a model author.
INTERNALS = ("Traceback", "Input should", "instance of", "pydantic", "function-after", "<class", "sys.", "Error:")

MEMORY_LIMIT = 1024 * 1024 * 1024  # 1 GiB of address space: far above a normal load, far below a bomb's needs
TIMEOUT = 60  # seconds; a hang fails the test instead of blocking CI


def _expected_lines(name: str) -> list[str]:
    expected = EXPECTED[name]
    lines = expected if isinstance(expected, list) else [expected]
    return [f"{CORPUS / name}:{line}" for line in lines]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_biotm(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process with bounded memory and time."""
    return subprocess.run(
        [sys.executable, "-m", "biotm", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_limit_memory,
        check=False,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "120"},
    )


def test_corpus_has_forty_broken_files_each_with_an_expectation() -> None:
    assert len(BAD) >= 40
    assert set(BAD) == set(EXPECTED), "every corpus file needs an expected line, and every expectation a file"


@pytest.mark.parametrize("name", BAD)
def test_bad_model_fails_with_its_located_line(name: str) -> None:
    run = CliRunner().invoke(cli, ["validate", str(CORPUS / name)])
    assert run.exit_code == 2, run.output
    assert run.stdout == ""
    assert run.stderr.splitlines() == _expected_lines(name)
    for word in INTERNALS:
        assert word not in run.stderr


@pytest.mark.parametrize(
    "name",
    [
        "alias-bomb.yaml",
        "alias-bomb-in-model.yaml",
        "deep-nesting-flow.yaml",
        "deep-nesting-dashes.yaml",
        "deep-nesting.json",
        "python-object-tag.yaml",
        "unknown-key-huge.yaml",
        "value-huge-enum.yaml",
        "utf16.yaml",
    ],
)
def test_hostile_files_are_refused_by_the_real_cli_in_bounded_memory(name: str) -> None:
    run = run_biotm("validate", str(CORPUS / name))
    assert run.returncode == 2, run.stderr
    assert run.stderr.splitlines() == _expected_lines(name)


def test_python_tag_is_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    model = tmp_path / "model.yaml"
    model.write_text(f'meta: !!python/object/apply:os.system ["touch {marker}"]\n')
    run = run_biotm("validate", str(model))
    assert run.returncode == 2
    assert "unsupported YAML tag" in run.stderr
    assert not marker.exists()


RAISE_IT = "(raise it with --max-size-mb if the model is really this large)"


def test_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    line = b"# " + b"x" * 1021 + b"\n"
    with big.open("wb") as handle:
        for _ in range(21 * 1024):  # 21 MiB of real bytes, over the 20 MiB default
            handle.write(line)
    run = run_biotm("validate", str(big))
    assert run.returncode == 2
    assert run.stderr.splitlines() == [f"{big}:1:1: file is 21 MB, over the 20 MB limit {RAISE_IT}"]
    analyze = run_biotm("analyze", str(big), "--format", "json")
    assert analyze.returncode == 2 and analyze.stdout == ""


def test_max_size_option_lowers_and_raises_the_limit(minimal_path: Path) -> None:
    runner = CliRunner()
    refused = runner.invoke(cli, ["validate", "--max-size-mb", "0.001", str(minimal_path)])
    assert refused.exit_code == 2
    size = minimal_path.stat().st_size
    assert refused.stderr == f"{minimal_path}:1:1: file is {size} bytes, over the 1048 bytes limit {RAISE_IT}\n"
    assert runner.invoke(cli, ["validate", "--max-size-mb", "1", str(minimal_path)]).exit_code == 0


def test_huge_string_in_a_valid_model_loads_in_bounded_memory(tmp_path: Path) -> None:
    text = (CORPUS / "valid-utf8-bom.yaml").read_text(encoding="utf-8-sig")
    model = tmp_path / "huge.yaml"
    model.write_text(text.replace("  name: corpus", "  name: corpus\n  description: " + "d" * 5_000_000))
    run = run_biotm("validate", str(model))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"{model}: ok")


# -- valid but hostile models: load, and render without running or smuggling anything -----------

HOSTILE = CORPUS / "valid-html-script-in-names.yaml"


@pytest.mark.parametrize("name", VALID)
def test_valid_hostile_model_loads_and_keeps_locations(name: str) -> None:
    loaded = load_model(str(CORPUS / name))
    for kind, items in (("element", loaded.model.elements), ("flow", loaded.model.flows), ("data", loaded.model.data)):
        for item in items:
            location = loaded.location_of(kind, item.id)
            assert location is not None and location.line >= 2, (kind, item.id)


def _analyze(fmt: str, path: Path = HOSTILE) -> str:
    run = CliRunner().invoke(cli, ["analyze", str(path), "--format", fmt, "--fail-on", "none"])
    assert run.exit_code == 0, run.output
    return run.stdout


def test_json_report_keeps_hostile_text_verbatim() -> None:
    loaded = load_model(str(HOSTILE))
    result = AuditResult.model_validate_json(_analyze("json"))
    assert result.model.meta.name == loaded.model.meta.name
    assert "<script>alert(1)</script>" in result.model.meta.name and "\x1b[31m" in result.model.meta.name
    assert result.model.meta.authors[0] == "../../../etc/passwd"


def test_terminal_report_prints_markup_literally_and_no_terminal_escapes() -> None:
    out = _analyze("terminal")
    assert "<script>alert(1)</script>" in out
    assert "[bold]markup[/bold] [/]" in out  # rich markup in a name is text, not styling
    assert "\x1b" not in out  # an escape sequence from the model never reaches the terminal
    assert "\u202e" not in out  # nor a right-to-left override that reorders what the auditor reads


@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - {"terminal", "json"}))
def test_every_other_format_renders_hostile_text_inertly(fmt: str) -> None:
    loaded = load_model(str(HOSTILE))
    from biotm.pipeline import audit

    rendered: str | bytes = renderer(fmt)(audit(loaded))
    text = rendered.decode("utf-8", "replace") if isinstance(rendered, bytes) else rendered
    assert "\x1b[" not in text
    if fmt == "html":
        assert "<script>alert(1)</script>" not in text
        assert "<img src=x onerror" not in text
        assert "<iframe" not in text


def test_hostile_json_model_round_trips_its_odd_characters() -> None:
    path = CORPUS / "valid-json-with-tabs-and-controls.json"
    loaded = load_model(str(path))
    assert loaded.model.meta.name == json.loads(path.read_text(encoding="utf-8"))["meta"]["name"]
    assert loaded.model.data[0].subjects == 1000  # 1e3 is a JSON number, not a YAML string
    assert loaded.location_of("element", "e") is not None
