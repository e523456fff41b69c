"""The human-facing formats name places by display name in chain titles and "broken by" lists; the result keeps
ids there, so group ids, SARIF fingerprints and the JSON do not move when a model renames its places."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from report_support import TODAY
from strategies import load_dict

from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit
from biotm.report import renderer, sarif
from biotm.report.place_names import way_text
from biotm.result import AuditResult

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "china-sim-registration.yaml"
SYSTEM = "Carrier real-name registration system (实名制平台)"
IDS_VIA = "(via realname_system -> sms_gateway)"
NAMES_VIA = f"(via {SYSTEM} -> Carrier SMS gateway)"


@pytest.fixture(scope="module")
def china() -> AuditResult:
    return audit(load_model(str(SCENARIO)), AuditOptions(today=TODAY))


def _flat(text: str) -> str:
    """The report's words in one line: the terminal wraps long lines inside its tree."""
    return " ".join(text.replace("│", " ").split()).replace("-&gt;", "->").replace("\\_", "_")


@pytest.mark.parametrize("name", ["terminal", "markdown", "html"])
def test_people_read_display_names_in_chain_titles_and_what_breaks_a_chain(china: AuditResult, name: str) -> None:
    text = _flat(str(renderer(name)(china)))
    assert NAMES_VIA in text
    assert f"second-factor at {SYSTEM}" in text
    assert f"both human-review and sim-change-notification at {SYSTEM}" in text
    assert "realname_system:second-factor" not in text and IDS_VIA not in text


def test_the_result_keeps_ids_where_they_are_keys(china: AuditResult) -> None:
    titles = [f.title for f in china.findings if f.rule == "idt-chain"]
    assert any(t.endswith(IDS_VIA) for t in titles)
    assert any("realname_system:second-factor" in c.broken_by for c in china.chains)
    written = json.loads(str(renderer("json")(china)))
    assert IDS_VIA in json.dumps(written["findings"]) and "realname_system:second-factor" in json.dumps(
        written["chains"])


def _renamed(path: Path) -> dict[str, Any]:
    model: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for element in model["elements"]:
        element["name"] = f"Renamed {element['id']}"
    for flow in model["flows"]:
        if "name" in flow:
            flow["name"] = f"Renamed flow {flow['id']}"
    return model


def _keys(result: AuditResult) -> tuple[object, ...]:
    log = json.loads(str(renderer("sarif")(result)))
    prints = sorted(r["partialFingerprints"][sarif.FINGERPRINT] for r in log["runs"][0]["results"])
    return ([g.id for g in result.groups], prints, [(f.id, f.title, f.evidence) for f in result.findings],
            [c.broken_by for c in result.chains])


def test_renaming_places_moves_no_group_id_fingerprint_title_or_evidence() -> None:
    options = AuditOptions(today=TODAY)
    before = audit(load_dict(yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))), options)
    after = audit(load_dict(_renamed(SCENARIO)), options)
    assert _keys(before) == _keys(after)
    assert "(via Renamed realname_system -> Renamed sms_gateway)" in _flat(str(renderer("markdown")(after)))


def test_a_way_to_break_a_chain_reads_as_a_phrase(china: AuditResult) -> None:
    assert way_text(china, "bank_online:second-factor") == "second-factor at Bank password-reset service"
    assert way_text(china, "realname_system:human-review+realname_system:sim-change-notification") == (
        f"both human-review and sim-change-notification at {SYSTEM}")
    assert way_text(china, "shop_terminal:a+realname_system:b+realname_system:c") == (
        f"all of a at Shop real-name terminal (camera + ID-card chip reader) and b and c at {SYSTEM}")


def test_a_set_of_places_reads_as_a_list_and_only_a_route_reads_with_arrows(china: AuditResult) -> None:
    """The no-DPIA finding covers one controller's elements; "archive → system → terminal → logs" read as a
    data flow that the model does not have."""
    from biotm.report import xlsx
    from biotm.report.place_names import place_joiner

    no_dpia = next(f for f in china.findings if f.rule == "linddun-no-dpia" and len(f.places) > 1)
    interaction = next(f for f in china.findings if f.place_kind == "interaction")
    assert len(no_dpia.places) > 1 and place_joiner(no_dpia) == ", " and place_joiner(interaction) == " → "
    markdown = str(renderer("markdown")(china))
    assert "`realname_archive` (Real-name registration archive), `realname_system` (" in markdown
    assert "(Real-name registration archive) → `realname_system`" not in markdown
    html = str(renderer("html")(china))
    assert "Real-name registration archive, Carrier real-name registration system" in html
    terminal = _flat(str(renderer("terminal")(china)))
    assert "linddun-no-dpia @ realname_archive, realname_system, shop_terminal, vendor_logs" in terminal
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.render(china)))["Findings"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[no_dpia.id][8] == "realname_archive, realname_system, shop_terminal, vendor_logs"
    assert rows[interaction.id][8] == " > ".join(interaction.places)
