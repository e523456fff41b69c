"""SARIF output: valid against the OASIS schema, located in the model file, stable fingerprints."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from report_support import FIXTURES, ROOT, SCENARIOS, audited, per_place_findings
from shared_corpus import shared

from biotm.report import sarif
from biotm.result import AuditResult

# The project's own subset of SARIF 2.1.0 (what biotm writes and code scanning reads), so a clone without
# ../shared still checks the shape; CI also validates against the OASIS schema itself.
OWN_SCHEMA = Path(__file__).parent / "fixtures" / "sarif-subset.schema.json"


def _schema(which: str) -> dict[str, Any]:
    path = shared("standards", "sarif-schema-2.1.0.json") if which == "oasis" else OWN_SCHEMA
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@pytest.fixture(scope="module", params=["oasis", "own-subset"])
def validator(request: pytest.FixtureRequest) -> jsonschema.protocols.Validator:
    return jsonschema.Draft4Validator(_schema(request.param))


def _first_region(log: dict[str, Any]) -> dict[str, Any]:
    region: dict[str, Any] = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    return region


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        (lambda log: log.pop("version"), "version"),
        (lambda log: log["runs"][0]["tool"]["driver"].pop("name"), "name"),
        (lambda log: log["runs"][0]["results"][0].pop("ruleId"), "ruleId"),
        (lambda log: log["runs"][0]["results"][0].update(level="fatal"), "fatal"),
        (lambda log: _first_region(log).update(startLine=0), "0"),
    ],
)
def test_own_subset_schema_rejects_broken_logs(rich_result: AuditResult, damage: Any, where: str) -> None:
    checker = jsonschema.Draft4Validator(_schema("own-subset"))
    log = _log(rich_result)
    checker.validate(log)
    damage(log)
    errors = list(checker.iter_errors(log))
    assert errors and any(where in error.message for error in errors), [e.message for e in errors]


def _log(result: AuditResult) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(sarif.render(result))
    return document


def test_populated_result_validates_and_has_one_rule_per_biotm_rule(
    rich_result: AuditResult, validator: jsonschema.protocols.Validator
) -> None:
    log = _log(rich_result)
    validator.validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({f.rule for f in rich_result.findings})
    for rule in rules:
        assert rule["help"]["text"]
        assert float(rule["properties"]["security-severity"]) >= 0
    critical = next(r for r in rules if r["id"] == "bio-plaintext-flow")
    assert critical["properties"]["security-severity"] == "9.5"
    assert "external/cwe/cwe-311" in critical["properties"]["tags"]
    assert len(run["results"]) == len(rich_result.findings)
    for item, finding in zip(run["results"], rich_result.findings, strict=True):
        assert item["partialFingerprints"] == {sarif.FINGERPRINT: finding.id}
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"] == finding.rule
        assert finding.location is not None
        region = item["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (finding.location.line, finding.location.column)


def test_flow_findings_point_at_the_flow_and_relate_its_endpoints(rich_result: AuditResult) -> None:
    log = _log(rich_result)
    finding = next(f for f in rich_result.findings if f.place_kind == "flow")
    item = next(r for r in log["runs"][0]["results"] if r["partialFingerprints"][sarif.FINGERPRINT] == finding.id)
    flow_line = rich_result.locations["flow:liveness"].line
    assert item["locations"][0]["physicalLocation"]["region"]["startLine"] == flow_line
    related = [(r["message"]["text"], r["physicalLocation"]["region"]["startLine"]) for r in item["relatedLocations"]]
    assert related == [
        ("flow source: matcher", rich_result.locations["element:matcher"].line),
        ("flow target: sdk_cloud", rich_result.locations["element:sdk_cloud"].line),
    ]


def test_uri_is_relative_to_the_working_directory(rich_result: AuditResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    location = _log(rich_result)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "tests/fixtures/minimal.yaml", "uriBaseId": "%SRCROOT%"}
    monkeypatch.chdir(ROOT / "src")
    outside = sarif.artifact(str(ROOT / "tests" / "fixtures" / "minimal.yaml"))
    assert outside == {"uri": (ROOT / "tests" / "fixtures" / "minimal.yaml").as_uri()}


def test_accepted_findings_are_suppressed_not_dropped(rich_result: AuditResult) -> None:
    results = _log(rich_result)["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    accepted = [f for f in rich_result.findings if f.status == "accepted"]
    assert [r["partialFingerprints"][sarif.FINGERPRINT] for r in suppressed] == [f.id for f in accepted]
    assert "clerk watches" in suppressed[0]["suppressions"][0]["justification"]


def _reordered(source: Path, target: Path) -> None:
    """The same model with every list reversed and the YAML re-emitted in another layout."""
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    for key in ("zones", "elements", "data", "flows", "attackers"):
        if isinstance(document.get(key), list):
            document[key] = list(reversed(document[key]))
    target.write_text(yaml.safe_dump(document, sort_keys=True, indent=4, width=60), encoding="utf-8")


@pytest.mark.parametrize("model", [FIXTURES / "minimal.yaml", *sorted(SCENARIOS.glob("*.yaml"))],
                         ids=lambda p: p.name)
def test_fingerprints_survive_reformatting_and_reordering(
    model: Path, tmp_path: Path, validator: jsonschema.protocols.Validator
) -> None:
    moved = tmp_path / model.name
    _reordered(model, moved)
    logs = []
    for path in (model, moved):
        result = audited(path)
        if not result.findings:  # until the rules stage lands on main, use made-up findings on every place
            result = per_place_findings(result)
        logs.append(_log(result))
        validator.validate(logs[-1])

    def index(log: dict[str, Any]) -> dict[str, tuple[str, int]]:
        return {
            r["partialFingerprints"][sarif.FINGERPRINT]: (
                r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]
            )
            for r in log["runs"][0]["results"]
        }

    before, after = index(logs[0]), index(logs[1])
    assert before.keys() == after.keys() and before
    assert {k: v[0] for k, v in before.items()} == {k: v[0] for k, v in after.items()}
    # the lines did move, so equal fingerprints really come from the ids, not the positions
    assert any(before[k][1] != after[k][1] for k in before)


def test_cli_sarif_validates(minimal_path: Path, tmp_path: Path, validator: jsonschema.protocols.Validator) -> None:
    from click.testing import CliRunner

    from biotm.cli import cli

    out = tmp_path / "out.sarif"
    cwd = os.getcwd()
    run = CliRunner().invoke(cli, ["analyze", os.path.relpath(minimal_path, cwd), "-f", "sarif", "-o", str(out),
                                   "--fail-on", "none"])
    assert run.exit_code == 0, run.output
    validator.validate(json.loads(out.read_text(encoding="utf-8")))


def test_rule_severity_is_its_worst_finding_in_the_run(rich_result: AuditResult) -> None:
    finding = next(f for f in rich_result.findings if f.severity == "medium")
    raised = finding.model_copy(update={"severity": "critical"})
    result = rich_result.model_copy(update={"findings": [raised if f.id == finding.id else f
                                                         for f in rich_result.findings]})
    rules = {r["id"]: r for r in _log(result)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules[finding.rule]["properties"]["security-severity"] == sarif.SECURITY_SEVERITY["critical"]
    before = {r["id"]: r for r in _log(rich_result)["runs"][0]["tool"]["driver"]["rules"]}
    assert before[finding.rule]["properties"]["security-severity"] == sarif.SECURITY_SEVERITY["medium"]


@pytest.fixture(scope="module")
def national() -> AuditResult:
    import datetime as dt

    from biotm.generate import dump_yaml, national_model
    from biotm.model import load_bytes
    from biotm.pipeline import AuditOptions, audit

    loaded = load_bytes(dump_yaml(national_model(600, seed=1)).encode(), "national.yaml")
    return audit(loaded, AuditOptions(today=dt.date(2026, 1, 1)))


def test_a_group_is_one_result_located_at_its_worst_place_with_every_place_related(
    national: AuditResult, validator: jsonschema.protocols.Validator
) -> None:
    log = _log(national)
    validator.validate(log)
    results = log["runs"][0]["results"]
    grouped = {m for g in national.groups for m in g.members}
    assert len(results) == len(national.groups) + sum(1 for f in national.findings if f.id not in grouped)
    # every finding appears exactly once: as a result of its own, or as a member of its group's result
    named = [r["properties"]["findingId"] for r in results if "groupId" not in r["properties"]]
    named += [m["findingId"] for r in results if "groupId" in r["properties"] for m in r["properties"]["members"]]
    assert sorted(named) == sorted(f.id for f in national.findings)
    by_id = {f.id: f for f in national.findings}
    for group in national.groups:
        item = next(r for r in results if r["partialFingerprints"] == {sarif.FINGERPRINT: group.id})
        members = [by_id[m["findingId"]] for m in item["properties"]["members"]]
        assert sorted(m.id for m in members) == sorted(group.members)
        assert len(item["locations"]) == 1  # GitHub annotates the first location only; SARIF 3.27.12
        worst = max(members, key=lambda m: m.risk)
        region = item["locations"][0]["physicalLocation"]["region"]
        assert worst.location is not None and region["startLine"] == worst.location.line
        related = item["relatedLocations"]
        assert [r["id"] for r in related] == list(range(len(members)))
        assert [r["physicalLocation"]["region"]["startLine"] for r in related] == [
            m.location.line if m.location else 1 for m in members
        ]
        assert f"at {group.places:,} {group.noun}" in item["message"]["text"]
        for link in range(min(len(members), sarif.LINKED_IN_MESSAGE)):
            assert f"]({link})" in item["message"]["text"]


def test_a_group_past_githubs_related_location_limit_keeps_every_place_in_its_properties(
    national: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarif, "MAX_RELATED", 4)
    group = max(national.groups, key=lambda g: g.places)
    item = next(r for r in _log(national)["runs"][0]["results"]
                if r["partialFingerprints"] == {sarif.FINGERPRINT: group.id})
    assert len(item["relatedLocations"]) == 4 < group.places
    assert len(item["properties"]["members"]) == group.places == item["properties"]["places"]
    assert f"and {group.places - sarif.LINKED_IN_MESSAGE:,} more" in item["message"]["text"]


def test_a_group_alert_keeps_its_fingerprint_when_one_alike_place_goes(national: AuditResult) -> None:
    from biotm.groups import group_findings

    group = max(national.groups, key=lambda g: g.places)
    fewer = national.model_copy(update={"findings": [f for f in national.findings if f.id != group.members[0]]})
    fewer = fewer.model_copy(update={"groups": group_findings(fewer)})
    prints = {r["partialFingerprints"][sarif.FINGERPRINT] for r in _log(fewer)["runs"][0]["results"]}
    assert group.id in prints


def test_brackets_in_model_text_are_escaped_so_they_make_no_links(rich_result: AuditResult) -> None:
    finding = rich_result.findings[0]
    odd = finding.model_copy(update={"evidence": "see [the archive](0) now"})
    result = rich_result.model_copy(update={"findings": [odd, *rich_result.findings[1:]]})
    text = _log(result)["runs"][0]["results"][0]["message"]["text"]
    assert "\\[the archive\\](0)" in text


def test_no_result_has_more_related_locations_than_github_accepts(
    rich_result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarif, "MAX_RELATED", 1)  # the flow finding has a source and a target
    for item in _log(rich_result)["runs"][0]["results"]:
        assert len(item.get("relatedLocations", [])) <= 1
    flow = next(r for r in _log(rich_result)["runs"][0]["results"] if r.get("relatedLocations"))
    assert flow["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]


def test_a_group_accepted_whole_keeps_its_alert_suppressed_and_a_split_part_gets_its_own() -> None:
    import datetime as dt

    from biotm.generate import dump_yaml, national_model
    from biotm.model import load_bytes
    from biotm.pipeline import AuditOptions, audit

    raw = yaml.safe_load(dump_yaml(national_model(300, seed=1)))

    def run(accepted: list[dict[str, Any]]) -> tuple[AuditResult, dict[str, dict[str, Any]]]:
        loaded = load_bytes(yaml.safe_dump({**raw, "accepted": accepted}).encode(), "n.yaml")
        result = audit(loaded, AuditOptions(today=dt.date(2026, 1, 1)))
        log = _log(result)
        return result, {r["partialFingerprints"][sarif.FINGERPRINT]: r for r in log["runs"][0]["results"]}

    first, open_alerts = run([])
    group = max(first.groups, key=lambda g: g.places)
    entry = {"rule": group.rule, "status": "accepted", "owner": "ciso", "justification": "clerk watches",
             "expires": "2027-01-01"}
    _whole, alerts = run([{**entry, "place": group.id}])
    assert "suppressions" not in open_alerts[group.id]
    assert alerts[group.id]["suppressions"][0]["status"] == "accepted"  # the same alert, now suppressed
    one = next(f for f in first.findings if f.id == group.members[0])
    _split, alerts = run([{**entry, "place": ">".join(one.places)}])
    assert "suppressions" not in alerts[group.id]  # the open rest keeps the alert
    assert alerts[one.id]["suppressions"][0]["status"] == "accepted"  # the one place is its own alert
