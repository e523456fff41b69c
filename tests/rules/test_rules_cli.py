"""`biotm rules`, `analyze --rules/--skip-rules/--regulation`, and the China SIM scenario's findings."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from biotm.cli import cli
from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit
from biotm.result import AuditResult
from biotm.rules import all_rules

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "china-sim-registration.yaml"


def test_rules_json_lists_the_catalog() -> None:
    run = CliRunner().invoke(cli, ["rules", "--format", "json"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.output)
    listed = {r["id"]: r for r in document["rules"]}
    assert set(listed) == {r.id for r in all_rules()} | {"manual-threat"}
    kit = listed["bio-identity-kit"]
    assert kit["default_severity"] == "critical" and "pseudonymisation" in kit["mitigations"]
    assert "PIPL-28" in kit["regulations"]
    refs = {r["id"]: r for r in document["regulations"]}
    assert refs["PIPL-28"]["article"] == "28" and refs["PIPL-28"]["title"]


def test_rules_terminal_table() -> None:
    run = CliRunner().invoke(cli, ["rules"])
    assert run.exit_code == 0
    assert "bio-store-exposed" in run.output and "stride-spoofing" in run.output


def test_unknown_rule_is_an_input_error_with_suggestion() -> None:
    run = CliRunner().invoke(cli, ["analyze", str(SCENARIO), "--rules", "bio-store-exposed,bio-sole-factr"])
    assert run.exit_code == 2
    assert "bio-sole-factr" in run.output and "did you mean 'bio-sole-factor'" in run.output


def test_unknown_regulation_is_an_input_error() -> None:
    run = CliRunner().invoke(cli, ["analyze", str(SCENARIO), "--regulation", "PIPA"])
    assert run.exit_code == 2 and "unknown regulation 'PIPA'" in run.output


def test_rules_and_skip_rules_filter_json(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ["analyze", str(SCENARIO), "-f", "json", "-o", str(out), "--fail-on", "none", "--today", "2026-01-01"]
    selection = ["--rules", "BIO", "--rules", "stride-elevation-of-privilege", "--skip-rules", "bio-no-pad"]
    run = CliRunner().invoke(cli, [*args, *selection])
    assert run.exit_code == 0, run.output
    result = AuditResult.model_validate_json(out.read_text())
    rules = {f.rule for f in result.findings}
    assert "bio-identity-kit" in rules and "stride-elevation-of-privilege" in rules
    assert "bio-no-pad" not in rules and not any(r.startswith("linddun-") for r in rules)


def test_regulation_view_groups_findings_by_article() -> None:
    run = CliRunner().invoke(
        cli, ["analyze", str(SCENARIO), "--regulation", "pipl", "--rules", "BIO", "--fail-on", "none"]
    )
    assert run.exit_code == 0, run.output
    view = run.output[run.output.index("Findings by article") :]
    assert "PIPL 28:" in view and "PIPL 51:" in view
    article_28 = view[view.index("PIPL 28:") : view.index("PIPL 51:")]
    assert "bio-identity-kit" in article_28
    assert "GDPR 9:" not in view


def _scenario() -> AuditResult:
    return audit(load_model(str(SCENARIO)), AuditOptions(today=None))


def test_china_sim_scenario_findings_on_the_right_places() -> None:
    findings = _scenario().findings
    at = {(f.rule, ">".join(f.places)): f for f in findings}
    expected = [
        ("bio-identity-kit", "realname_archive"),
        ("bio-insider-bulk-access", "police_query>police_results>police_investigator"),
        ("bio-third-party-disclosure", "liveness_request"),
        ("legal-state-disclosure", "police_subscriber_query"),
    ]
    for key in expected:
        assert key in at, key
        finding = at[key]
        assert finding.regulations and finding.mitigations and finding.status == "open"
    # Police queries rest on the Cybersecurity Law's duty to assist (the model's `purposes`): no function creep,
    # but the disclosure is judged by its legal authority and logging.
    assert ("bio-function-creep", "police_query") not in at
    assert "CSL-28" in at[("legal-state-disclosure", "police_subscriber_query")].regulations
    # The archive has role-based access but no reviewed audit log: back-office staff raise the resale
    # finding too, lowered by the control that is there and mitigated by the one that is missing.
    backoffice = at[("bio-insider-bulk-access", "realname_archive>backoffice_lookup>backoffice")]
    assert any("access-control" in f.reason and f.effect < 0 for f in backoffice.likelihood_factors)
    assert "audit-logging" in backoffice.mitigations and "access-control" not in backoffice.mitigations
    kit = at[("bio-identity-kit", "realname_archive")]
    assert any("complete identity kit" in f.reason for f in kit.impact_factors)
    assert set(kit.data) >= {"face_image", "id_number", "phone_number"}


def test_china_sim_terminal_groups_by_severity() -> None:
    run = CliRunner().invoke(cli, ["analyze", str(SCENARIO), "--fail-on", "none", "--today", "2026-01-01"])
    assert run.exit_code == 0
    headings = [
        line.split(" (")[0]
        for line in run.output.splitlines()
        if line.split(" (")[0] in ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")
    ]
    assert headings == sorted(headings, key=["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"].index)
    assert len(headings) >= 2 and len(set(headings)) == len(headings)
    assert "likelihood" in run.output and "impact" in run.output


def test_docs_rules_md_is_the_generated_catalog() -> None:
    from biotm.cli.rules_cmd import catalog_markdown

    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == catalog_markdown(), (
        "regenerate with: biotm rules --format markdown -o docs/rules.md"
    )
