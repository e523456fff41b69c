"""`biotm dpia --controller`: one handler's assessment (PIPL Art. 55 binds each); without it, all are named."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from report_support import SCENARIOS, TODAY, audited

from biotm.cli import cli
from biotm.report import ReportOptions, dpia
from biotm.report.dpia_scope import controllers, for_controller
from biotm.result import AuditResult

OPTIONS = ReportOptions(date=TODAY)
CHINA = SCENARIOS / "china-sim-registration.yaml"


def test_without_controller_the_header_names_every_controller() -> None:
    result = audited(CHINA)
    names = controllers(result)
    assert "Carrier" in names and "Face-SDK vendor" not in names  # a processor answers to its controller
    assert "Subscriber" not in names  # the data subject's own phone is nobody's processing
    header = dpia.render_markdown(result, OPTIONS).splitlines()[2]
    assert f"all {len(names)} controllers in the model ({', '.join(names)})" in header


def test_controller_draft_keeps_only_that_handlers_processing() -> None:
    result = audited(CHINA)
    scoped = for_controller(result, "Carrier")
    model = result.model
    zone_of = {e.id: e.zone for e in model.elements}
    owner = {z.id: z.owner for z in result.zones}
    own = {e for e, z in zone_of.items() if owner[z] in ("Carrier", "Face-SDK vendor")}
    flows = {f.id for f in model.flows if f.source in own or f.target in own}
    assert scoped.findings and len(scoped.findings) < len(result.findings)
    assert all((own | flows) & set(f.places) for f in scoped.findings)
    assert [f for f in result.findings if (own | flows) & set(f.places)] == scoped.findings
    assert scoped.summary.counts.flows == len(flows) and {c.flow for c in scoped.crossings} <= flows
    bank = dpia.render_markdown(result, OPTIONS, controller="bank")  # names match case-insensitively
    assert "covers the processing Bank answers for" in bank and "Carrier" in bank.splitlines()[2]
    assert "| face\\_image |" not in bank  # the bank never touches the face photo


def test_unknown_controller_is_a_usage_error_listing_the_choices() -> None:
    out = CliRunner().invoke(cli, ["dpia", str(CHINA), "--controller", "Acme"])
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "no controller 'Acme'" in out.output and "Bank, Carrier, Ministry of Public Security" in out.output


def test_the_draft_finds_the_subjects_own_zones_once_not_once_per_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # each look reads every element: once per zone, 1,000 zones of 10,000 elements took 5 s of a 7 s draft
    import biotm.report.dpia_scope as scope

    calls: list[int] = []
    real = scope.subject_zones

    def counted(result: AuditResult) -> set[str]:
        calls.append(1)
        return real(result)

    monkeypatch.setattr(scope, "subject_zones", counted)
    result = audited(CHINA)
    assert len(result.zones) > 3
    text = dpia.render_markdown(result, OPTIONS)
    assert "Organisations involved (zone owners): " in text and "Subscriber" not in text.split("zone owners")[1][:300]
    assert 1 <= len(calls) <= 2  # the organisations line, and the header's list of controllers
