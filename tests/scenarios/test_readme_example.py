"""The README's example output is the real output of the flagship scenario (same counts, same chain).

`python tests/scenarios/test_readme_example.py` rewrites the README excerpt from a fresh run; the test fails
when the scenario, the rules or the report change what the excerpt shows.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from biotm.cli import cli

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SCENARIO = "scenarios/china-sim-registration.yaml"
INTRO = f"What `biotm analyze {SCENARIO}` prints"
#: The chain the README shows: the SIM swap to the bank account, by the fraudster who bought the kit.
#: The README's chain: its line names every attacker who holds the same data, leaked-set-buyer among them.
CHAIN = ("leaked-set-buyer", "-> bank-account-takeover")
ELLIPSIS = "…"


def report_lines() -> list[str]:
    """The plain-text report of the flagship scenario, as `biotm analyze -o report.txt` writes it."""
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.txt"
        os.chdir(ROOT)  # the report names the model as the user typed it: scenarios/...
        try:
            run = CliRunner().invoke(cli, ["analyze", SCENARIO, "--fail-on", "none", "-o", str(out)])
        finally:
            os.chdir(here)
        assert run.exit_code == 0, run.output
        text = out.read_text(encoding="utf-8")
    return [line.rstrip() for line in text.splitlines()]


def _block(lines: list[str], start: int) -> list[str]:
    """Lines of the tree that starts at `start`, up to the next tree at the same level."""
    out = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith(("│", "├", "└", " ")):
            break
        out.append(line)
    return out


def _chain_block(lines: list[str], start: int) -> list[str]:
    out = [lines[start]]
    for line in lines[start + 1 :]:
        if line.startswith(("├── [", "└── [")):
            break
        out.append(line)
    return out


def excerpt(lines: list[str]) -> list[str]:
    """Summary panel, the first critical finding, and the README's chain, with the real text."""
    panel_end = next(i for i, line in enumerate(lines) if line.startswith("╰"))
    first = next(i for i, line in enumerate(lines) if line.startswith(("CRITICAL", "HIGH")))
    chains = next(i for i, line in enumerate(lines) if line.startswith("Identity-theft chains"))
    chain = next(i for i, line in enumerate(lines) if all(part in line for part in CHAIN) and i > chains)
    return [
        *lines[: panel_end + 1],
        lines[first],
        *_block(lines, first + 1),
        ELLIPSIS,
        lines[chains],
        *_chain_block(lines, chain),
        ELLIPSIS,
    ]


def readme_excerpt(text: str) -> tuple[int, int]:
    """Line range [start, end) of the ```text block after the README's intro sentence."""
    lines = text.splitlines()
    intro = next(i for i, line in enumerate(lines) if line.startswith(INTRO))
    start = next(i for i in range(intro, len(lines)) if lines[i] == "```text") + 1
    end = next(i for i in range(start, len(lines)) if lines[i] == "```")
    return start, end


def test_readme_example_is_the_real_output() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = readme_excerpt(text)
    shown = text.splitlines()[start:end]
    stale = "README example is stale: run python tests/scenarios/test_readme_example.py"
    assert shown == excerpt(report_lines()), stale


def test_readme_example_shows_the_critical_counts_and_the_sim_swap_chain() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = readme_excerpt(text)
    shown = "\n".join(text.splitlines()[start:end])
    assert "Open findings: " in shown and " critical " in shown
    assert any(all(part in line for part in CHAIN) for line in shown.splitlines()) and "SIM swap" in shown


if __name__ == "__main__":
    original = README.read_text(encoding="utf-8")
    first, last = readme_excerpt(original)
    all_lines = original.splitlines()
    fresh = [*all_lines[:first], *excerpt(report_lines()), *all_lines[last:]]
    README.write_text("\n".join(fresh) + "\n", encoding="utf-8")
    sys.exit(0)
