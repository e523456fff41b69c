"""The result's finding groups (AuditResult.groups): computed once in the pipeline, every member kept, ids stable."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from report_support import SCENARIOS, audited
from strategies import load_dict, models

from biotm.generate import dump_yaml, national_model
from biotm.groups import GROUP_MIN, _cause, _Places, group_findings
from biotm.groups import group_id as id_of_group
from biotm.model import load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.report import json_report
from biotm.result import SCHEMA_VERSION, AuditResult


def _national(size: int) -> AuditResult:
    loaded = load_bytes(dump_yaml(national_model(size, seed=1)).encode(), "national.yaml")
    return audit(loaded, AuditOptions(today=dt.date(2026, 1, 1)))


def _check_regulation_groups(result: AuditResult) -> None:
    """The HTML report's groups per regulation, cut from one grouping, are each regulation's findings grouped."""
    from biotm.report import grouping, view

    cut = grouping.by_regulation(grouping.groups(result))
    touched = view.findings_by_regulation(result)
    assert set(cut) == set(touched)
    for regulation, findings in touched.items():
        expected = grouping.groups(result, findings)
        assert [(g.id, g.headline, [f.id for f in g.findings]) for g in cut[regulation]] == [
            (g.id, g.headline, [f.id for f in g.findings]) for g in expected]


def _check_groups(result: AuditResult) -> None:
    """Expanding the groups gives back findings of the result, each in one group at most, members alike."""
    by_id = {f.id: f for f in result.findings}
    seen: set[str] = set()
    places = _Places(result.model)
    for group in result.groups:
        assert group.places == len(group.members) >= GROUP_MIN
        members = [by_id[m] for m in group.members]
        assert not seen & set(group.members)
        seen |= set(group.members)
        assert {(_cause(places, m), m.status) for m in members} == {(_cause(places, members[0]), members[0].status)}
        assert {m.rule for m in members} == {group.rule}
        assert len({m.title for m in members}) == 1
        assert group.risk_min == min(m.risk for m in members) and group.risk_max == max(m.risk for m in members)
        assert len({tuple(m.places) for m in members}) == len(members)


def _grouped_one_by_one(result: AuditResult) -> list[tuple[str, list[str]]]:
    """The groups as the definition gives them: every finding's whole cause worked out on its own (no sharing
    by the identity of a scoring template's lists), bucketed in result order."""
    places = _Places(result.model)
    buckets: dict[tuple[object, ...], list[str]] = {}
    for finding in result.findings:
        if finding.places:
            buckets.setdefault((_cause(places, finding), finding.status), []).append(finding.id)
    return [(id_of_group(cause, status), members) for (cause, status), members in buckets.items()
            if len(members) >= GROUP_MIN]


def _check_grouped_as_defined(result: AuditResult) -> None:
    assert [(g.id, g.members) for g in group_findings(result)] == _grouped_one_by_one(result)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_scenario_groups_consistently(path: Path) -> None:
    result = audited(path)
    _check_groups(result)
    _check_regulation_groups(result)
    _check_grouped_as_defined(result)
    assert group_findings(result) == result.groups  # once, deterministic


@settings(max_examples=15, deadline=None)
@given(raw=models())
def test_random_models_group_consistently(raw: dict[str, object]) -> None:
    result = audit(load_dict(raw), AuditOptions(today=dt.date(2026, 1, 1)))
    _check_groups(result)
    _check_regulation_groups(result)
    _check_grouped_as_defined(result)
    assert group_findings(result) == result.groups


def test_national_model_groups_alike_shops_and_keeps_every_place() -> None:
    result = _national(300)
    _check_groups(result)
    _check_regulation_groups(result)
    _check_grouped_as_defined(result)
    assert result.groups, "a national model of alike shops must give groups"
    assert max(g.places for g in result.groups) >= 20
    document = json.loads(json_report.render(result))
    assert document["schema_version"] == SCHEMA_VERSION == "1.3"
    assert len(document["findings"]) == len(result.findings)
    assert [g["id"] for g in document["groups"]] == [g.id for g in result.groups]


@pytest.mark.parametrize("field, value", [
    ("mitigations", ["encryption-at-rest"]),
    ("data", ["another-item"]),
    ("regulations", ["GDPR-9"]),
    ("likelihood_factors", []),
    ("impact_factors", []),
])
def test_findings_alike_but_for_one_list_are_another_group(field: str, value: list[object]) -> None:
    """Grouping works a cause out once for the findings that share their scoring template's lists; half a group
    given other content in one list (the others still shared) is another cause, so another group."""
    result = _national(300)
    group = max(result.groups, key=lambda g: g.places)
    assert group.places >= 2 * GROUP_MIN
    half = set(group.members[: group.places // 2])
    changed = result.model_copy(update={"findings": [
        f.model_copy(update={field: value}) if f.id in half else f for f in result.findings]})
    regrouped = group_findings(changed)
    assert [(g.id, g.members) for g in regrouped] == _grouped_one_by_one(changed)
    assert [g.members for g in regrouped if set(g.members) & set(group.members)] == [
        [m for m in group.members if m in half], [m for m in group.members if m not in half]]


def test_csv_keeps_every_place_with_its_group_id() -> None:
    import csv
    import io

    from biotm.report import csv_report

    result = _national(300)
    rows = list(csv.DictReader(io.StringIO(csv_report.render(result))))
    assert [r["id"] for r in rows] == [f.id for f in result.findings]
    owner = {m: g.id for g in result.groups for m in g.members}
    assert [r["group"] for r in rows] == [owner.get(f.id, "") for f in result.findings]
    assert any(r["group"] for r in rows)


def test_group_id_survives_removing_one_alike_place() -> None:
    result = _national(300)
    biggest = max(result.groups, key=lambda g: g.places)
    dropped = biggest.members[0]
    fewer = result.model_copy(update={"findings": [f for f in result.findings if f.id != dropped]})
    again = {g.id: g for g in group_findings(fewer)}
    assert biggest.id in again
    assert again[biggest.id].members == biggest.members[1:]


def test_a_group_splits_by_status() -> None:
    result = _national(300)
    biggest = max(result.groups, key=lambda g: g.places)
    accepted = biggest.members[0]
    findings = [f.model_copy(update={"status": "accepted"}) if f.id == accepted else f for f in result.findings]
    regrouped = group_findings(result.model_copy(update={"findings": findings}))
    owner = {m: g.id for g in regrouped for m in g.members}
    assert owner.get(biggest.members[1]) == biggest.id  # the open rest keeps its id
    assert owner.get(accepted) != biggest.id


def test_acceptance_by_group_id_tracks_every_member_and_one_place_splits_it() -> None:
    import yaml

    raw = yaml.safe_load(dump_yaml(national_model(300, seed=1)))
    first = _national(300)
    biggest = max(first.groups, key=lambda g: g.places)
    by_id = {f.id: f for f in first.findings}
    entry = {"rule": biggest.rule, "status": "in-progress", "owner": "ops", "ticket": "T-1", "due": "2027-01-01"}

    raw["accepted"] = [{**entry, "place": biggest.id}]
    grouped = audit(load_bytes(yaml.safe_dump(raw).encode(), "n.yaml"), AuditOptions(today=dt.date(2026, 1, 1)))
    status = {f.id: f.status for f in grouped.findings}
    assert {status[m] for m in biggest.members} == {"in-progress"}
    assert {g.id: g.members for g in grouped.groups}[f"{biggest.id}-in-progress"] == biggest.members
    assert not any(w.code == "acceptance-unused" for w in grouped.warnings)

    one = by_id[biggest.members[0]]
    raw["accepted"] = [{**entry, "place": ">".join(one.places)}]
    split = audit(load_bytes(yaml.safe_dump(raw).encode(), "n.yaml"), AuditOptions(today=dt.date(2026, 1, 1)))
    status = {f.id: f.status for f in split.findings}
    assert status[one.id] == "in-progress"
    assert {status[m] for m in biggest.members[1:]} == {"open"}
    assert {g.id: g.members for g in split.groups}[biggest.id] == biggest.members[1:]


def _shop_parts(raw: dict[str, Any], shop: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    elements = [e for e in raw["elements"] if e["id"].startswith(f"{shop}_")]
    ids = {e["id"] for e in elements}
    return elements, [f for f in raw["flows"] if f["source"] in ids or f["target"] in ids]


def _renamed(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(f"{old}_", f"{new}_") if value.startswith(f"{old}_") else value
    if isinstance(value, list):
        return [_renamed(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _renamed(v, old, new) for k, v in value.items()}
    return value


def _audit_raw(raw: dict[str, Any]) -> AuditResult:
    import yaml

    return audit(load_bytes(yaml.safe_dump(raw).encode(), "n.yaml"), AuditOptions(today=dt.date(2026, 1, 1)))


def _places_by_group(result: AuditResult) -> dict[str, set[tuple[str, ...]]]:
    by_id = {f.id: f for f in result.findings}
    return {g.id: {tuple(by_id[m].places) for m in g.members} for g in result.groups}


def test_group_ids_survive_adding_or_removing_one_alike_shop_in_the_model() -> None:
    """A shop added to or removed from the model moves only its own places in or out of each group: every group
    keeps its id, and members keep their own numbers (a group does not key on them)."""
    import yaml

    raw = yaml.safe_load(dump_yaml(national_model(300, seed=1)))
    before = _audit_raw(raw)
    groups_before = _places_by_group(before)
    # a shop of the busiest region, so the others there still link records from several shops without it
    zones = [e["zone"] for e in raw["elements"] if e["id"].endswith("_terminal") and e["id"].startswith("shop")]
    busiest = max(sorted(set(zones)), key=zones.count)
    shop = next(e["id"][: -len("_terminal")] for e in raw["elements"]
                if e["id"].endswith("_terminal") and e["id"].startswith("shop") and e["zone"] == busiest)
    shop_elements, shop_flows = _shop_parts(raw, shop)
    gone = {e["id"] for e in shop_elements} | {f["id"] for f in shop_flows}

    fewer = {**raw, "elements": [e for e in raw["elements"] if e not in shop_elements],
             "flows": [f for f in raw["flows"] if f not in shop_flows]}
    groups_fewer = _places_by_group(_audit_raw(fewer))
    touched = [g for g, places in groups_before.items() if any(gone & set(p) for p in places)]
    assert len(touched) >= 3, "the shop must sit in several groups for this test to mean something"
    for group_id, places in groups_before.items():
        kept = {p for p in places if not gone & set(p)}
        if len(kept) >= GROUP_MIN:
            assert groups_fewer.get(group_id) == kept, group_id

    more = {**raw, "elements": raw["elements"] + _renamed(shop_elements, shop, "shopnew"),
            "flows": raw["flows"] + _renamed(shop_flows, shop, "shopnew")}
    grown = _audit_raw(more)
    groups_more = _places_by_group(grown)
    for group_id in touched:
        added = groups_more[group_id] - groups_before[group_id]
        assert added and all(any(part.startswith("shopnew_") for part in p) for p in added), group_id
        assert groups_before[group_id] <= groups_more[group_id]
    spread = [g for g in grown.groups if g.risk_min < g.risk_max]
    assert spread, "alike shops with different staff numbers keep their own risks inside one group"


def test_human_formats_show_a_group_once_and_machine_formats_keep_every_place() -> None:
    import csv
    import io

    from biotm.report import csv_report, grouping, markdown, sarif, terminal

    result = _national(300)
    shown = grouping.groups(result)
    grouped = [g for g in shown if g.grouped]
    assert grouped and len(shown) < len(result.findings) / 2

    text = terminal.render(result, width=200)
    findings_part = text[text.index("\nCRITICAL (") if "\nCRITICAL (" in text else text.index("\nHIGH ("):]
    findings_part = findings_part[: findings_part.index("Identity-theft chains")] if result.chains else findings_part
    heads = [line for line in findings_part.splitlines() if line.startswith(("[critical]", "[high]", "[medium]",
                                                                             "[low]", "[info]"))]
    assert len(heads) == len(shown)  # one tree per group, not per place
    for group in grouped:
        assert sum(f"group {group.id}" in line for line in heads) == 1
        assert f"all {group.size:,} {group.noun}: " in findings_part

    document = markdown.render(result)
    lines = document.splitlines()
    headings = [line for line in lines if line.startswith("#### ")]
    assert len(headings) == len(shown)
    for group in grouped:
        assert sum(group.id in h for h in headings) == 1
        at = next(i for i, line in enumerate(lines) if line.startswith("#### ") and group.id in line)
        listing = next(line for line in lines[at:] if line.startswith(f"- All {group.size} "))
        assert all(f"`{m.places[-1]}`" in listing for m in group.findings)  # every place listed

    rows = list(csv.DictReader(io.StringIO(csv_report.render(result))))
    assert len(rows) == len(result.findings)
    log = json.loads(sarif.render(result))
    members = [m["findingId"] for r in log["runs"][0]["results"] for m in r["properties"].get("members", [])]
    singles = [r["properties"]["findingId"] for r in log["runs"][0]["results"] if "members" not in r["properties"]]
    assert sorted(members + singles) == sorted(f.id for f in result.findings)
    assert len(json.loads(json_report.render(result))["findings"]) == len(result.findings)


def test_a_group_is_named_by_the_places_that_enumerate_it_in_words_of_a_kind() -> None:
    result = _national(600)
    by_id = {f.id: f for f in result.findings}
    interactions = [g for g in result.groups if by_id[g.members[0]].place_kind == "interaction"
                    and by_id[g.members[0]].places[0].endswith("_terminal")
                    and by_id[g.members[0]].places[2].endswith("_realname")]
    # 'shop terminal > submit > regional system': one member per terminal, fewer regional systems
    more_terminals = [g for g in interactions if len({by_id[m].places[2] for m in g.members}) < g.places]
    assert more_terminals
    assert all(g.noun == "shop real-name terminals" for g in more_terminals), {g.noun for g in more_terminals}
    for group in result.groups:
        assert all(len(word) >= 3 for word in group.noun.split()), group.noun  # no 'zj c liveness'
    flows = [g for g in result.groups if by_id[g.members[0]].place_kind == "flow"]
    assert flows and all(g.noun.endswith("flows") for g in flows), {g.noun for g in flows}


def test_alike_theft_chains_at_alike_verifiers_are_one_group_and_every_chain_stays() -> None:
    """93 regional real-name systems each give the same SIM-registration chain: one story, not 93."""
    result = _national(600)
    chain_findings = {c.finding for c in result.chains}
    grouped = [g for g in result.groups if g.rule.startswith("idt-")]
    assert grouped, "alike chains at alike regional systems must group"
    by_id = {f.id: f for f in result.findings}
    for group in grouped:
        assert set(group.members) <= chain_findings  # every member still reports its own chain
        assert len({by_id[m].title for m in group.members}) == 1
    goals = {by_id[c.finding].title for c in result.chains}
    assert len(goals) > 1 and all(len({by_id[m].title for m in g.members}) == 1 for g in result.groups)


def test_an_element_section_says_how_many_of_a_national_group_are_its_own() -> None:
    from biotm.report import markdown, summary

    result = _national(1500)
    sections, _ = summary.element_sections(result, limit=10_000)
    flows = {f.id: f for f in result.model.flows}
    checked = 0
    for section in sections:
        system = section.element.id
        if not system.endswith("_realname"):
            continue
        # its own shops: the terminals whose submit flow goes to this regional system
        shops = {f.source for f in flows.values() if f.target == system and f.id.endswith("_submit")}
        for group in section.groups:
            if group.lead.rule != "stride-elevation-of-privilege" or not group.grouped:
                continue
            mine = [f for f in group.findings if system in f.places]
            assert {p for f in mine for p in f.places if p.endswith("_terminal")} <= shops
            line = section.headline(group)
            if len(mine) < group.size:
                own = "one" if len(mine) == 1 else f"{len(mine):,}"
                assert line == f"{group.headline}, {own} of them here", line
            else:
                assert line == group.headline
            checked += 1
    assert checked > 10
    text = markdown.render(result)
    assert " of them here (`stride-elevation-of-privilege-" in text
