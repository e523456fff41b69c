"""The loader's finer points: locations, YAML features used as intended, JSON semantics, limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from biotm.model import Limits, ModelError, load_bytes, load_model

FIXTURE = Path(__file__).parent.parent / "fixtures" / "minimal.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")


def problems(text: str, name: str = "m.yaml", limits: Limits | None = None) -> list[str]:
    with pytest.raises(ModelError) as caught:
        load_bytes(text.encode("utf-8"), name, limits)
    return [str(p) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


def test_every_element_flow_and_data_item_keeps_its_location() -> None:
    loaded = load_model(str(FIXTURE))
    for kind, section in (("element", "elements"), ("flow", "flows"), ("data", "data"), ("zone", "zones")):
        for item in getattr(loaded.model, section):
            location = loaded.location_of(kind, item.id)
            assert location is not None
            assert (location.file, location.line, location.column) == (
                str(FIXTURE),
                line_of(TEXT, f"  - id: {item.id}"),
                5,
            )


def test_json_locations_point_at_each_record() -> None:
    text = (
        '{\n  "meta": {"name": "j"},\n  "zones": [\n    {"id": "z", "owner": "o", "jurisdiction": "CN"}\n  ],\n'
        '  "elements": [\n    {"id": "a", "type": "actor", "zone": "z"},\n'
        '    {"id": "b", "type": "store", "zone": "z"}\n'
        '  ],\n  "flows": [\n    {"id": "f", "source": "a", "target": "b"}\n  ]\n}\n'
    )
    loaded = load_bytes(text.encode(), "m.json")
    assert loaded.location_of("element", "b") is not None
    assert (loaded.location_of("element", "b").line, loaded.location_of("element", "b").column) == (8, 5)  # type: ignore[union-attr]
    assert loaded.location_of("flow", "f").line == 11  # type: ignore[union-attr]
    broken = text.replace('"target": "b"', '"target": "c"')
    assert problems(broken, "m.json") == ["m.json:11:42: flow 'f' targets unknown element 'c'"]


def test_crlf_line_endings_give_the_same_positions() -> None:
    broken = TEXT.replace("    target: archive", "    target: archiv")
    expected = problems(broken)
    assert problems(broken.replace("\n", "\r\n")) == expected
    assert expected == [
        f"m.yaml:{line_of(broken, '    target: archiv')}:13: "
        "flow 'archive_write' targets unknown element 'archiv' (did you mean 'archive'?)"
    ]


def test_utf8_bom_is_ignored_and_lines_are_unchanged() -> None:
    broken = TEXT.replace("  name: minimal", "  name: minimal\n  nam: typo")
    without = problems(broken)
    with pytest.raises(ModelError) as caught:
        load_bytes(b"\xef\xbb\xbf" + broken.encode(), "m.yaml")
    assert (
        [str(p) for p in caught.value.problems] == without == ["m.yaml:5:3: unknown key 'nam' (did you mean 'name'?)"]
    )


def test_anchors_and_merge_keys_work_and_explicit_keys_win() -> None:
    text = TEXT.replace(
        "  - id: core\n    owner: carrier\n    jurisdiction: CN\n",
        "  - &core\n    id: core\n    owner: carrier\n    jurisdiction: CN\n",
    ).replace(
        "  - id: vendor\n    owner: vendor-inc\n    jurisdiction: SG\n",
        "  - <<: *core\n    id: vendor\n    owner: vendor-inc\n",
    )
    zones = {z.id: z for z in load_bytes(text.encode(), "m.yaml").model.zones}
    assert (zones["vendor"].owner, zones["vendor"].jurisdiction) == ("vendor-inc", "CN")


def test_merging_a_non_mapping_is_an_error() -> None:
    text = TEXT.replace("meta:\n  name: minimal", "x: &s just text\nmeta:\n  <<: *s\n  name: minimal")
    assert problems(text)[0].endswith("a merge key ('<<') needs a mapping or a list of mappings")


def test_keys_are_their_text_never_booleans_or_numbers() -> None:
    text = TEXT + "settings:\n  control_cost_days:\n    on: 1\n    2: 3\n"
    settings_line = line_of(text, "    on: 1")
    assert problems(text) == [
        f"m.yaml:{settings_line}:9: settings name unknown control 'on'",
        f"m.yaml:{settings_line + 1}:8: settings name unknown control '2'",
    ]


def test_modest_alias_use_stays_within_the_budget() -> None:
    anchors = "x-purposes: &p [kyc, sim-registration, fraud-prevention]\n"
    text = anchors + TEXT.replace("    subjects: 1000\n", "    subjects: 1000\n    purposes: *p\n")
    assert problems(text) == [
        f"m.yaml:{line_of(text, 'x-purposes: &p [kyc, sim-registration, fraud-prevention]')}:1: "
        "unknown key 'x-purposes'"
    ]


def test_depth_limit_is_configurable_and_located() -> None:
    text = TEXT.replace("  name: minimal", "  name: minimal\n  assumptions: [[[[x]]]]")
    assert problems(text, limits=Limits(max_depth=4)) == ["m.yaml:5:18: nesting deeper than 4 levels"]


def test_alias_budget_counts_expanded_size() -> None:
    text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    tight = Limits(max_nodes_per_byte=1, min_node_budget=50)
    assert problems(text, limits=tight)[0].endswith(
        "document expands to too many values (alias bomb?); refusing to load it"
    )
    assert "too many values" not in problems(text)[0]  # the default budget allows it (it fails as a model instead)


def test_all_reference_problems_are_reported_in_file_order() -> None:
    text = TEXT.replace("    target: archive", "    target: archiv").replace("    zone: vendor", "    zone: vendr")
    found = problems(text)
    assert len(found) == 2
    assert [int(p.split(":")[1]) for p in found] == sorted(int(p.split(":")[1]) for p in found)


def test_a_key_with_a_line_break_stays_on_one_line() -> None:
    text = TEXT.replace("  name: minimal", '  name: minimal\n  "two\\nlines\\u2028and more": 1')
    (problem,) = problems(text)
    assert "\n" not in problem and "\u2028" not in problem
    assert problem == "m.yaml:5:3: unknown key 'two\\nlines\\u2028and more'"


def test_json_follows_json_not_yaml() -> None:
    text = (
        '{"meta": {"name": "on"}, "zones": [{"id": "z", "owner": "o", "jurisdiction": "NO"}],'
        ' "elements": [{"id": "e", "type": "process", "zone": "z"}],'
        ' "data": [{"id": "d", "category": "other", "subjects": 1e3}]}'
    )
    loaded = load_bytes(text.encode(), "m.json")
    assert loaded.model.meta.name == "on"
    assert loaded.model.zones[0].jurisdiction == "NO"
    assert loaded.model.data[0].subjects == 1000


def test_unquoted_norway_in_yaml_gets_a_clear_hint() -> None:
    text = TEXT.replace("    jurisdiction: SG", "    jurisdiction: NO")
    (problem,) = problems(text)
    assert problem.endswith(
        "zones[2].jurisdiction: expected a string, got the boolean false "
        "(YAML reads unquoted yes/no/on/off/true/false as booleans: put the value in quotes)"
    )


def test_each_missing_key_of_one_mapping_gets_its_own_line() -> None:
    assert problems("meta:\n  name: x\n") == [
        "m.yaml:1:1: missing required key 'elements'",
        "m.yaml:1:1: missing required key 'zones'",
    ]


def test_load_model_takes_a_pathlib_path_and_keeps_the_name_as_text() -> None:
    import datetime as dt

    from biotm.pipeline import AuditOptions, audit

    path = Path(__file__).resolve().parents[2] / "scenarios" / "china-sim-registration.yaml"
    loaded = load_model(path)
    assert loaded.file == str(path) and isinstance(loaded.file, str)
    result = audit(loaded, AuditOptions(today=dt.date(2026, 1, 1)))
    assert result.summary.file == str(path)
    assert all(f.location is None or f.location.file == str(path) for f in result.findings)


def test_the_model_record_lists_are_bounded_by_the_file_limits_not_by_the_per_record_item_bound() -> None:
    # A national model has more flows than MAX_ITEMS; only a list inside one record is bounded by it.
    from biotm.model.schema import MAX_ITEMS

    count = MAX_ITEMS + 1
    flows = "".join(
        f"  - {{id: f{n}, source: terminal, target: matcher, data: [face_image]}}\n" for n in range(count)
    )
    text = TEXT[: TEXT.index("flows:\n")] + "flows:\n" + flows
    loaded = load_bytes(text.encode("utf-8"), "big.yaml")
    assert len(loaded.model.flows) == count
    controls = "    controls: [" + ", ".join(["mfa"] * count) + "]\n"
    inner = TEXT.replace("    capture: attended\n", "    capture: attended\n" + controls)
    assert any("controls" in p for p in problems(inner))
