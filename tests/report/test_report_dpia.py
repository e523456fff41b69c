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


def _header(markdown: str) -> str:
    return next(line for line in markdown.splitlines() if line.startswith("Draft prepared"))


def test_standards_are_not_listed_as_laws_and_a_pipia_cites_no_gdpr() -> None:
    china = dpia.render_markdown(audited(SCENARIOS / "china-sim-registration.yaml"), OPTIONS)
    laws_part, standards_part = _header(china).split("Standards and guidance referred to")
    assert "PIPL" in laws_part and not any(s in laws_part for s in ("ISO", "NIST"))
    assert "ISO-30107-3" in standards_part and "NIST-800-63" in standards_part
    assert "GDPR" not in china and "PIPL Art. 13" in china
    assert china.startswith("# Personal-information protection impact assessment (draft)")


def test_declared_bases_are_printed_and_only_missing_ones_asked_for() -> None:
    result = audited(SCENARIOS / "bank-remote-ekyc.yaml")
    markdown = dpia.render_markdown(result, OPTIONS)
    declared = [d for d in result.model.data if d.basis is not None]
    missing = sorted(d.id for d in result.model.data if d.basis is None)
    assert declared and missing
    for item in declared:
        row = next(line for line in markdown.splitlines() if f"| {view_id(item.id)} |" in line)
        assert item.basis is not None and (item.basis.law or "") in row and "not declared" not in row, row
    assert "explicit consent (GDPR Art. 9(2)(a))" in markdown and "separate-consent" not in markdown  # GDPR words
    assert "Applicant" not in next(line for line in markdown.splitlines() if line.startswith("Organisations"))
    todo = next(line for line in markdown.splitlines() if "lawful basis (GDPR Art. 6 and 9(2))" in line)
    assert todo.removesuffix("; check the declared ones above.").endswith(", ".join(view_id(i) for i in missing))


def test_a_biometric_item_on_another_basis_names_its_art9_condition() -> None:
    """A DPIA names what meets Art. 9(2) for each biometric item, not only its Art. 6 basis."""
    def row(scenario: str, item: str) -> str:
        markdown = dpia.render_markdown(audited(SCENARIOS / scenario), OPTIONS)
        return next(line for line in markdown.splitlines() if f"| {view_id(item)} |" in line)

    document = row("bank-remote-ekyc.yaml", "id_document_image")  # AML duty; the comparison rests on consent
    assert "legal-obligation (AMLD-13); explicit consent to the biometric processing (GDPR Art. 9(2)(a))" in document
    assert "which provides for the biometric processing (GDPR Art. 9(2)(g))" in row("airport-egates.yaml", "face_image")
    assert "Art. 9" not in row("bank-remote-ekyc.yaml", "name")  # not biometric: its Art. 6 basis is all
    china = row("china-sim-registration.yaml", "face_image")
    assert china.endswith("| legal-obligation (MIIT-2019), which provides for the biometric processing | 4380 days |")


def test_a_bipa_assessment_cites_no_gdpr_and_asks_releases_for_biometrics_only() -> None:
    result = audited(SCENARIOS / "workplace-attendance.yaml")
    markdown = dpia.render_markdown(result, OPTIONS)
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert not any("GDPR" in h for h in headings) and "GDPR Art. 6" not in markdown and "DPO" not in markdown
    assert "BIPA 740 ILCS 14/15(b)" in markdown
    todo = next(line for line in markdown.splitlines() if "14/15(b)" in line)
    for item in result.model.data:
        assert (view_id(item.id) in todo) == (item.is_biometric and item.basis is None), item.id


def view_id(value: str) -> str:
    """An id as the Markdown draft escapes it."""
    return value.replace("_", "\\_")


def _unmodelled(result: AuditResult) -> str:
    text = dpia.render_markdown(result, OPTIONS)
    start = text.index("Add the risks the model does not describe")
    return text[start:text.index("\n", start)]


def test_risks_left_to_the_controller_fit_an_employer_or_a_public_authority() -> None:
    """An employer's draft asked about "function creep by other authorities": no authority touches its data."""
    employer = _unmodelled(audited(SCENARIOS / "workplace-attendance.yaml"))
    assert "authorit" not in employer
    assert "function creep by the employer" in employer and "refuse enrolment" in employer
    police = _unmodelled(audited(SCENARIOS / "china-sim-registration.yaml"))
    assert "Ministry of Public Security" in police and "Public security bureau" in police
    assert "employer" not in police and "beyond the statute" in police
    bank = _unmodelled(audited(SCENARIOS / "bank-remote-ekyc.yaml"))
    assert "employer" not in bank and "authorit" not in bank and "function creep (the data reused" in bank


def test_laws_are_named_in_full_and_the_most_serious_findings_come_first() -> None:
    """A lawyer does not read 'ATFL' or 'CN-FRT' as a statute, and looked for the critical findings under 'the
    riskiest', which listed high ones first (sorted by risk alone)."""
    result = audited(SCENARIOS / "china-sim-registration.yaml")
    text = dpia.render_markdown(result, OPTIONS)
    header = _header(text)
    assert "China Personal Information Protection Law (2021) (PIPL)" in header
    assert "China Anti-Telecom and Online Fraud Law (2022) (ATFL)" in header
    risks = text.split("the most serious (by severity, then risk):", 1)[1].split("\n## ", 1)[0]
    table = risks.strip().split("\n\n", 1)[0].splitlines()[2:]  # the first table, past its header rows
    severities = [line.split("|")[1].strip() for line in table]
    order = ["critical", "high", "medium", "low", "info"]
    assert severities and severities[0] == "critical"
    assert [order.index(s) for s in severities] == sorted(order.index(s) for s in severities)
