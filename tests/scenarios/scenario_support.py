"""Helpers for the scenario-library tests: where scenarios are, and each one audited once per session."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from biotm.cli import cli
from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit
from biotm.result import AuditResult

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
#: A fixed day so acceptances (and anything dated) never make a test depend on the calendar.
TODAY = dt.date(2026, 1, 1)


def scenario_paths() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))


_cache: dict[str, AuditResult] = {}


def audited(name: str) -> AuditResult:
    """The audit result of `scenarios/<name>`, computed once per test session."""
    if name not in _cache:
        _cache[name] = audit(load_model(str(SCENARIOS / name)), AuditOptions(today=TODAY))
    return _cache[name]


def original_of(hardened: str) -> str:
    """`x-hardened.yaml` -> `x.yaml`."""
    return hardened.replace("-hardened.yaml", ".yaml")


def cli_json(*args: str) -> Any:
    """Run `biotm ARGS -f json -o FILE` as a user would, check it succeeded, and parse FILE."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        run = CliRunner().invoke(cli, [*args, "-f", "json", "-o", str(out)])
        assert run.exit_code == 0, run.output
        return json.loads(out.read_text(encoding="utf-8"))


_diffs: dict[str, Any] = {}


def pair_diff(hardened: str) -> Any:
    """`biotm diff ORIGINAL HARDENED` as JSON, computed once per test session."""
    if hardened not in _diffs:
        base, new = str(SCENARIOS / original_of(hardened)), str(SCENARIOS / hardened)
        _diffs[hardened] = cli_json("diff", base, new, "--fail-on", "none")
    return _diffs[hardened]


def controls_by_place(name: str) -> set[tuple[str, str]]:
    """Every (control, place) the model `scenarios/<name>` puts on an element or a flow."""
    model = load_model(str(SCENARIOS / name)).model
    places = [(e.id, e.controls) for e in model.elements] + [(f.id, f.controls) for f in model.flows]
    return {(control, place) for place, controls in places for control in controls}


#: Findings that stand for data an attacker takes.
EXPOSING = ("atk-exposure", "bio-store-exposed", "bio-console-exposed")


def truly_new(diff: dict[str, Any]) -> list[dict[str, Any]]:
    """New findings of a diff, less residual routes: an identity-theft chain to a goal that a resolved chain
    reached at a higher risk is what is left once the stronger route was cut (it was grouped with it
    before), not a risk the change added; so is an exposure of items a resolved open place gave out."""
    resolved = diff["resolved"]

    def residual(finding: dict[str, Any]) -> bool:
        if finding["rule"] == "atk-exposure":
            # Items an open place, store or console gave out, now found one by one behind the closed door.
            return any(
                r["rule"] in EXPOSING and r["risk"] > finding["risk"] and set(finding["data"]) <= set(r["data"])
                for r in resolved
            )
        return finding["rule"] == "idt-chain" and any(
            r["rule"] == "idt-chain" and r["title"] == finding["title"] and r["risk"] > finding["risk"]
            for r in resolved
        )

    return [f for f in diff["new_findings"] if not residual(f)]
