"""A model that warns a hundred thousand times: reports for people list the first warnings, JSON every one.

100,000 tracking entries naming the same few places gave 108,000 warnings: the terminal took 31 s to print
their table, and the PDF appendix minutes to lay out its table of tracking entries.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from report_support import SCENARIOS

from biotm.model import load_bytes
from biotm.pipeline import audit
from biotm.report import ReportOptions, html, markdown, pdf, terminal, view
from biotm.report.json_report import render as json_render
from biotm.result import AuditResult

ENTRIES = view.WARNINGS_SHOWN + 8


@pytest.fixture(scope="module")
def warned() -> AuditResult:
    model = yaml.safe_load((SCENARIOS / "china-sim-registration.yaml").read_text(encoding="utf-8"))
    place = model["elements"][0]["id"]
    model["accepted"] = [{"rule": "stride-spoofing", "place": place, "status": "false-positive",
                          "justification": f"entry {n}", "owner": "sec"} for n in range(ENTRIES)]
    result = audit(load_bytes(json.dumps(model).encode(), "warned.json"))
    conflicts = [w for w in result.warnings if w.code == "acceptance-conflict"]
    assert len(conflicts) == ENTRIES - 1  # every entry after the first warns once
    return result


def more(result: AuditResult) -> str:
    return f"… and {len(result.warnings) - view.WARNINGS_SHOWN:,} more warnings: -f json lists every one."


def test_json_keeps_every_warning(warned: AuditResult) -> None:
    assert len(json.loads(json_render(warned))["warnings"]) == len(warned.warnings)


def test_terminal_markdown_and_html_list_the_first_warnings_and_say_how_many_more(warned: AuditResult) -> None:
    listed = sum(w.code == "acceptance-conflict" for w in warned.warnings[: view.WARNINGS_SHOWN])
    assert listed < ENTRIES - 1
    for text in (terminal.render_with(warned, ReportOptions(width=400)), markdown.render(warned), html.render(warned)):
        flat = " ".join(text.split())
        assert more(warned) in flat
        assert flat.count("a second entry tracks") == listed


def test_pdf_lists_the_first_warnings_and_tracking_entries(warned: AuditResult, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed (.ci/run installs it)")
    monkeypatch.setattr(pdf, "TRACKED_LISTED", 50)
    path = tmp_path / "warned.pdf"
    path.write_bytes(pdf.render(warned))
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert more(warned) in text
    assert text.count("a second entry tracks") == sum(
        w.code == "acceptance-conflict" for w in warned.warnings[: view.WARNINGS_SHOWN])
    assert f"The first 50 of {ENTRIES:,} entries, in the model's order" in text
    assert re.search(r"\bentry 49\b", text) and not re.search(r"\bentry 50\b", text)
