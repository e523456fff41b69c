"""The progress hook: shown only on a terminal for large models, never for JSON on stdout."""

from __future__ import annotations

import io
from pathlib import Path

from biotm.cli.progress import MIN_BYTES, STAGES, progress_bar, wanted
from biotm.generate import dump_yaml, national_model
from biotm.model import load_bytes
from biotm.pipeline import AuditOptions, audit


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_only_on_a_terminal_for_large_models_and_not_for_json_on_stdout(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("#" * MIN_BYTES)
    small = tmp_path / "small.yaml"
    small.write_text("meta: {}\n")
    assert wanted(str(big), "terminal", None, _Tty())
    assert wanted(str(big), "json", "out.json", _Tty())
    assert not wanted(str(big), "json", None, _Tty())
    assert not wanted(str(big), "json", "-", _Tty())
    assert not wanted(str(big), "terminal", None, io.StringIO())
    assert not wanted(str(small), "terminal", None, _Tty())


def test_audit_reports_its_stages_in_order_and_results_do_not_change() -> None:
    loaded = load_bytes(dump_yaml(national_model(120, seed=1)).encode(), "m.yaml")
    seen: list[str] = []
    with_hook = audit(loaded, AuditOptions(progress=seen.append))
    assert seen[0] == "building the graph" and "running the rules" in seen
    assert seen == sorted(seen, key=STAGES.index)
    assert with_hook.model_dump_json() == audit(loaded, AuditOptions()).model_dump_json()


def test_enabled_bar_accepts_every_stage() -> None:
    with progress_bar(True) as step:
        for stage in STAGES:
            step(stage)
    with progress_bar(False) as step:
        step(STAGES[0])
