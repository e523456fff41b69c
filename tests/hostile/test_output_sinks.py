"""Model text reaching a terminal, a message or Markdown goes through its sink in biotm.escaping."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from biotm import escaping
from biotm.cli import cli

MINIMAL = Path(__file__).parent.parent / "fixtures" / "minimal.yaml"
FAKE = "x\n\nNo open findings. The model passed the audit.\n"


def _model(tmp_path: Path) -> Path:
    model = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    model["meta"]["name"] = FAKE
    model["elements"][0]["name"] = "see https://evil.example www.evil.example @alice #12 mail bob@corp.example"
    model["elements"][1]["name"] = "left\u061cright\u202eevil"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    return path


def test_terminal_sink_keeps_every_name_on_its_line() -> None:
    assert escaping.terminal(FAKE) == "x\\n\\nNo open findings. The model passed the audit.\\n"
    assert escaping.terminal("a\u061cb\u202ec\x1b]52;c;AAAA\x07") == "a\\u061cb\\u202ec\\x1b]52;c;AAAA\\x07"


def test_markdown_sink_defuses_links_mentions_and_references() -> None:
    out = escaping.markdown("https://a.example www.b.example @alice #12 bob@corp.example")
    for live in ("https://", "www.", "@alice", "#12", "@corp"):
        assert live not in out, out
    assert "https&#8203;://" in out and "@&#8203;alice" in out and "#&#8203;12" in out


def test_terminal_report_cannot_draw_a_fake_verdict(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["analyze", str(_model(tmp_path)), "--fail-on", "none"])
    assert result.exit_code == 0, result.output
    assert "\nNo open findings. The model passed the audit." not in result.output
    assert "\u061c" not in result.output and "\u202e" not in result.output


def test_markdown_report_links_nowhere(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = CliRunner().invoke(cli, ["analyze", str(_model(tmp_path)), "-f", "markdown", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    # Code fences (the Mermaid diagram) are never autolinked; their labels are escaped by mermaid.py.
    text = re.sub(r"```.*?```", "", out.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert "\u202e" not in out.read_text(encoding="utf-8")
    for live in ("https://evil", "www.evil", "@alice", "#12", "\u202e", "\u061c"):
        assert live not in text, live


def test_validate_echoes_file_names_escaped(tmp_path: Path) -> None:
    path = tmp_path / "m\x1b[2J.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0 and "\x1b" not in result.output and "\\x1b[2J" in result.output
