"""DPIA / PIPIA draft: the laws the findings cite decide the sections; controller places marked; escaped; stable."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from report_support import FIXTURES, SCENARIOS, TODAY, audited

from biotm.cli import cli
from biotm.report import ReportOptions, dpia
from biotm.result import AuditResult

OPTIONS = ReportOptions(date=TODAY)


def _without(result: AuditResult, law: str) -> AuditResult:
    findings = [f.model_copy(update={"regulations": [r for r in f.regulations if not r.startswith(law)]})
                for f in result.findings]
    return result.model_copy(update={"findings": findings})


def _with_gdpr(result: AuditResult) -> AuditResult:
    findings = [f.model_copy(update={"regulations": [*f.regulations, "GDPR-35"]}) for f in result.findings]
    return result.model_copy(update={"findings": findings})


def test_gdpr_and_pipl_sections_follow_the_cited_laws() -> None:
    china = audited(SCENARIOS / "china-sim-registration.yaml")  # a Chinese system: PIPL, not the GDPR
    only_pipl = dpia.render_markdown(china, OPTIONS)
    assert "PIPL Art. 56(1)" in only_pipl and "GDPR Art. 35(7)" not in only_pipl
    result = _with_gdpr(china)
    both = dpia.render_markdown(result, OPTIONS)
    for heading in ("GDPR Art. 35(7)(a)", "GDPR Art. 35(7)(b)", "GDPR Art. 35(7)(c)", "GDPR Art. 35(7)(d)",
                    "GDPR Art. 35(2)", "GDPR Art. 35(9)", "GDPR Art. 36", "PIPL Art. 55 and 56", "PIPL Art. 56(1)",
                    "PIPL Art. 56(2)", "PIPL Art. 56(3)", "Sign-off"):
        assert heading in both, heading
    assert both.count("TO COMPLETE BY THE CONTROLLER") >= 8
    gdpr_only = dpia.render_markdown(_without(result, "PIPL"), OPTIONS)
    assert "GDPR Art. 35(7)(a)" in gdpr_only and "PIPL Art. 56" not in gdpr_only
    assert f"{len(result.chains)} identity-theft chains" in both


def test_cli_picks_the_format_from_the_extension_and_is_deterministic(tmp_path: Path) -> None:
    model = str(SCENARIOS / "china-sim-registration.yaml")
    for name in ("d.md", "d.html", "d.pdf"):
        for copy in ("a", "b"):
            target = str(tmp_path / f"{copy}{name}")
            out = CliRunner().invoke(cli, ["dpia", model, "-o", target, "--today", "2026-01-01"])
            assert out.exit_code == 0, out.output
        assert (tmp_path / f"a{name}").read_bytes() == (tmp_path / f"b{name}").read_bytes(), name
    assert (tmp_path / "ad.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "ad.html").read_text().startswith("<!DOCTYPE html>")
    bad = CliRunner().invoke(cli, ["dpia", model, "-o", str(tmp_path / "d.xlsx")])  # a register, not a draft
    assert bad.exit_code == 2


def test_model_text_is_escaped_in_every_dpia_format(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("  name: minimal", "  name: '<script>x</script> **bold** | pipe'")
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    result = audited(path)
    page = dpia.render_html(result, OPTIONS)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "default-src 'none'" in page and "script-src" not in page
    markdown = dpia.render_markdown(result, OPTIONS)
    assert "<script>" not in markdown and "\\*\\*bold\\*\\*" in markdown
    assert dpia.render_pdf(result, OPTIONS).startswith(b"%PDF")
