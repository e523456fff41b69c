"""The CLI behaves the same in every command: format from `-o`, every input format, --today, --width, 80 columns."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from biotm.cli import cli
from biotm.report import EXTENSIONS, FORMATS, extensions, format_of_file

TESTS = Path(__file__).parent.parent
MINIMAL = TESTS / "fixtures" / "minimal.yaml"
SIM = TESTS.parent / "scenarios" / "china-sim-registration.yaml"
THREAGILE = TESTS / "interop" / "fixtures" / "threagile-single.yaml"
ACCEPTANCE = (
    "accepted:\n"
    "  - {rule: bio-store-unencrypted, place: archive, justification: disk encryption next quarter,"
    " owner: ciso, expires: 2026-06-01}\n"
)


def _runner(columns: int | None = None) -> CliRunner:
    env = {"COLUMNS": str(columns)} if columns else None
    try:
        return CliRunner(mix_stderr=False, env=env)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2 always keeps stderr apart
        return CliRunner(env=env)


def _json(text: str) -> object:
    return json.loads(text)


# -- 2. the format from the file name --------------------------------------------------------------------
CHECKS: dict[str, Callable[[str], bool]] = {
    "html": lambda text: text.startswith("<!DOCTYPE html>"),
    "md": lambda text: text.startswith("# biotm audit: "),
    "json": lambda text: "findings" in json.loads(text),
    "sarif": lambda text: json.loads(text)["version"] == "2.1.0",
    "sarif.json": lambda text: json.loads(text)["version"] == "2.1.0",
    "csv": lambda text: text.startswith("id,rule,title,severity,"),
    "txt": lambda text: "biotm audit" in text and "╭" in text,
}


@pytest.mark.parametrize("extension", sorted(CHECKS))
def test_analyze_writes_the_format_its_output_file_names(extension: str, tmp_path: Path) -> None:
    out = tmp_path / f"report.{extension}"
    run = _runner().invoke(cli, ["analyze", str(MINIMAL), "-o", str(out), "--fail-on", "none"])
    assert run.exit_code == 0, run.output
    assert CHECKS[extension](out.read_text(encoding="utf-8")), out.read_text(encoding="utf-8")[:200]


@pytest.mark.parametrize(
    ("args", "name", "starts"),
    [
        (["diagram"], "d.dot", "digraph"),
        (["diagram"], "d.gv", "digraph"),
        (["diagram"], "d.mmd", "flowchart"),
        (["diagram"], "d.svg", "<?xml"),
        (["paths"], "p.json", "["),
        (["paths"], "p.txt", "Attack paths"),
        (["mitigate", "--today", "2026-01-01"], "plan.json", "{"),
        (["mitigate", "--today", "2026-01-01"], "plan.txt", "Mitigation plan"),
    ],
)
def test_every_command_writes_the_format_its_output_file_names(
    args: list[str], name: str, starts: str, tmp_path: Path
) -> None:
    out = tmp_path / name
    run = _runner().invoke(cli, [*args, str(MINIMAL), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert out.read_text(encoding="utf-8").lstrip().startswith(starts)


@pytest.mark.parametrize(("name", "starts"), [("rules.md", "# Rule catalog"), ("rules.json", "{"), ("rules.txt", "")])
def test_rules_writes_the_format_its_output_file_names(name: str, starts: str, tmp_path: Path) -> None:
    out = tmp_path / name
    run = _runner().invoke(cli, ["rules", "-o", str(out)])
    assert run.exit_code == 0, run.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith(starts) and ("bio-identity-kit" in text)
    assert ("# Rule catalog" in text) == name.endswith(".md")


def test_diff_writes_the_format_its_output_file_names(tmp_path: Path) -> None:
    out = tmp_path / "changes.json"
    run = _runner().invoke(cli, ["diff", str(MINIMAL), str(MINIMAL), "-o", str(out), "--fail-on", "none"])
    assert run.exit_code == 0, run.output
    assert isinstance(_json(out.read_text(encoding="utf-8")), dict)


@pytest.mark.parametrize(
    ("args", "fmt", "name", "implied"),
    [
        (["analyze"], "json", "report.html", "html"),
        (["analyze"], "terminal", "report.sarif", "sarif"),
        (["diagram"], "svg", "d.dot", "dot"),
        (["mitigate"], "terminal", "plan.json", "json"),
    ],
)
def test_a_format_that_contradicts_the_extension_is_a_usage_error(
    args: list[str], fmt: str, name: str, implied: str, tmp_path: Path
) -> None:
    out = tmp_path / name
    run = _runner().invoke(cli, [*args, str(MINIMAL), "-f", fmt, "-o", str(out)])
    assert run.exit_code == 2, run.output
    assert f"-f {fmt} contradicts -o {out}" in run.stderr and implied in run.stderr
    assert not out.exists()


def test_an_extension_the_command_cannot_write_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "paths.html"
    run = _runner().invoke(cli, ["paths", str(MINIMAL), "-o", str(out)])
    assert run.exit_code == 2
    assert "cannot write html" in run.stderr and not out.exists()


def test_txt_and_unknown_extensions_never_contradict_an_explicit_format(tmp_path: Path) -> None:
    for name in ("report.txt", "report.out"):
        out = tmp_path / name
        run = _runner().invoke(cli, ["analyze", str(MINIMAL), "-f", "csv", "-o", str(out), "--fail-on", "none"])
        assert run.exit_code == 0, run.output
        assert out.read_text(encoding="utf-8").startswith("id,rule,")


def test_every_registered_format_has_an_extension_that_maps_back_to_it() -> None:
    for name in sorted({*FORMATS, *EXTENSIONS}):
        for extension in extensions(name):
            assert format_of_file(f"out{extension}") == name, (name, extension)
            assert format_of_file(f"OUT{extension.upper()}") == name
    assert format_of_file("report") is None and format_of_file(".json") is None


# -- 3. one set of input options in every command ----------------------------------------------------------
MODEL_COMMANDS = [
    (["analyze", "--fail-on", "none"], "out.json"),
    (["paths"], "out.json"),
    (["mitigate"], "out.json"),
    (["diagram"], "out.svg"),
    (["diff", "--fail-on", "none", str(MINIMAL)], "out.json"),
    (["export", "--to", "otm"], "out.json"),
]
ACCEPTANCE_COMMANDS = ["analyze", "mitigate", "diagram", "diff", "export"]


@pytest.mark.parametrize("command", ["analyze", "paths", "mitigate", "diagram", "diff", "export", "validate"])
def test_every_model_command_has_the_shared_input_options(command: str) -> None:
    run = _runner().invoke(cli, [command, "--help"])
    assert run.exit_code == 0
    assert "--input-format" in run.output and "--max-size-mb" in run.output
    assert ("--today" in run.output) == (command in ACCEPTANCE_COMMANDS)


@pytest.mark.parametrize(("args", "name"), MODEL_COMMANDS, ids=[a[0] for a, _ in MODEL_COMMANDS])
def test_every_model_command_detects_another_tools_model(args: list[str], name: str, tmp_path: Path) -> None:
    out = tmp_path / name
    run = _runner().invoke(cli, [*args, str(THREAGILE), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert "missing required key" not in run.stderr
    assert out.stat().st_size > 0
    forced = _runner().invoke(cli, [*args, str(THREAGILE), "--input-format", "biotm", "-o", str(out)])
    assert forced.exit_code == 2 and "missing required key 'elements'" in forced.stderr


def test_mitigate_checks_acceptances_against_today(tmp_path: Path) -> None:
    model = tmp_path / "accepted.yaml"
    model.write_text(MINIMAL.read_text() + ACCEPTANCE)
    plans = {}
    for today in ("2026-01-01", "2027-01-01"):
        out = tmp_path / f"plan-{today}.json"
        run = _runner().invoke(cli, ["mitigate", str(model), "--today", today, "-o", str(out)])
        assert run.exit_code == 0, run.output
        plans[today] = json.loads(out.read_text())
    # the accepted finding's risk counts only once its acceptance has expired
    assert plans["2027-01-01"]["risk_before"] > plans["2026-01-01"]["risk_before"]
    again = tmp_path / "again.json"
    _runner().invoke(cli, ["mitigate", str(model), "--today", "2026-01-01", "-o", str(again)])
    assert json.loads(again.read_text()) == plans["2026-01-01"]


# -- 4. 80 columns and --width --------------------------------------------------------------------------------
def _words(text: str) -> set[str]:
    for mark in ",()│┃├└─╭╮╰╯":
        text = text.replace(mark, " ")
    return set(text.split())


def test_mitigate_at_80_columns_keeps_controls_and_places_whole(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    assert _runner().invoke(cli, ["mitigate", str(SIM), "--today", "2026-01-01", "-o", str(plan_file)]).exit_code == 0
    plan = json.loads(plan_file.read_text())
    run = _runner(columns=80).invoke(cli, ["mitigate", str(SIM), "--today", "2026-01-01"])
    assert run.exit_code == 0, run.output
    assert max(len(line) for line in run.stdout.splitlines()) <= 80
    words = _words(run.stdout)
    assert "data-minimisation" in words
    for item in plan["items"]:  # an item over several places (one DPIA) names each, comma-separated
        places = [p.strip() for p in item["place"].split(",")]
        assert item["control"] in words and all(p in words or f"{p}," in words for p in places), item


def test_analyze_at_80_columns_keeps_ids_whole_in_a_what_if() -> None:
    run = _runner(columns=80).invoke(
        cli,
        ["analyze", str(SIM), "--today", "2026-01-01", "--fail-on", "none", "--with-control",
         "realname_system:second-factor"],
    )
    assert run.exit_code == 0, run.output
    assert max(len(line) for line in run.stdout.splitlines()) <= 80
    what_if = run.stdout.split("What if:")[1].split("Identity-theft chains")[0]
    assert "realname_system:second-factor" in _words(what_if)
    for line in what_if.splitlines():
        assert not line.rstrip().endswith(("-", "_")), line  # no id folded at a hyphen or underscore


@pytest.mark.parametrize(("args", "width"), [([], 100), (["--width", "60"], 60), (["--width", "140"], 140)])
def test_a_text_report_file_honours_the_width(args: list[str], width: int, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    run = _runner(columns=200).invoke(cli, ["analyze", str(SIM), "-o", str(out), "--fail-on", "none", *args])
    assert run.exit_code == 0, run.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert max(len(line) for line in lines) == width  # the summary panel's rule spans the full width


def test_width_applies_to_the_terminal_too() -> None:
    run = _runner(columns=200).invoke(cli, ["paths", str(MINIMAL), "--width", "50"])
    assert run.exit_code == 0, run.output
    assert max(len(line) for line in run.stdout.splitlines()) <= 50


# -- 5. small things a user notices ----------------------------------------------------------------------
def test_generate_states_and_enforces_its_real_minimum(tmp_path: Path) -> None:
    from biotm.generate import MIN_ELEMENTS

    help_text = _runner().invoke(cli, ["generate", "--help"]).output
    assert f"{MIN_ELEMENTS}<=x<=1000000" in help_text and "[1<=x" not in help_text and " 1<=x" not in help_text
    too_few = _runner().invoke(cli, ["generate", "-n", str(MIN_ELEMENTS - 1)])
    assert too_few.exit_code == 2 and f"{MIN_ELEMENTS}<=x<=1000000" in too_few.stderr
    out = tmp_path / "national.yaml"
    assert _runner().invoke(cli, ["generate", "-n", str(MIN_ELEMENTS), "-o", str(out)]).exit_code == 0
    assert _runner().invoke(cli, ["validate", str(out)]).exit_code == 0


def test_the_summary_counts_the_attackers_that_act_with_the_right_plural(tmp_path: Path) -> None:
    from biotm.analysis.stage import analyze_attacks
    from biotm.graph import build_graph
    from biotm.model import load_model

    analysis = analyze_attacks(build_graph(load_model(str(SIM))))
    acting = sum(1 for a in analysis.attackers if analysis.leaks[a.id])
    assert acting > 1  # built-in profiles act beside the one the model declares
    report = tmp_path / "r.json"
    _runner().invoke(cli, ["analyze", str(SIM), "-o", str(report), "--fail-on", "none", "--today", "2026-01-01"])
    assert json.loads(report.read_text())["summary"]["counts"]["attackers"] == acting
    text = _runner().invoke(cli, ["analyze", str(SIM), "--fail-on", "none", "--today", "2026-01-01"]).stdout
    # face_image and the register's reference portraits, which the MPS service compares with faces
    assert f"(2 biometric), {acting} attackers" in text


def test_one_attacker_is_singular() -> None:
    from biotm.model import load_model
    from biotm.pipeline import AuditOptions, audit
    from biotm.report.terminal import render

    result = audit(load_model(str(MINIMAL)), AuditOptions(today=dt.date(2026, 1, 1), attackers=("outsider",)))
    assert result.summary.counts.attackers == 1
    assert "3 data items (2 biometric), 1 attacker " in render(result)


def test_a_what_if_says_lowered_for_a_chain_it_only_weakens() -> None:
    from biotm.model import load_model
    from biotm.pipeline import AuditOptions, audit
    from biotm.report.terminal import render
    from biotm.result import WhatIfDelta

    result = audit(load_model(str(MINIMAL)), AuditOptions(today=dt.date(2026, 1, 1)))
    deltas = [
        WhatIfDelta(finding="idt-chain-aaaa", rule="idt-chain", before="high", after=None, risk_before=0.3,
                    risk_after=0.0, broken_by=["shop:liveness"]),
        WhatIfDelta(finding="idt-chain-bbbb", rule="idt-chain", before="high", after="medium", risk_before=0.3,
                    risk_after=0.1, broken_by=["shop:liveness"]),
    ]
    text = render(result.model_copy(update={"what_if": ["shop:liveness"], "what_if_deltas": deltas}), width=160)
    rows = {line.split()[1]: line for line in text.splitlines() if "idt-chain-" in line}
    assert "broken by shop:liveness" in rows["idt-chain-aaaa"]
    assert "lowered by shop:liveness" in rows["idt-chain-bbbb"] and "broken" not in rows["idt-chain-bbbb"]
