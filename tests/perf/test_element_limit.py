"""Models of more elements (or flows) than --max-elements allows are refused before validation: one located
line at the first item past the limit, naming the flag that lets the model in, and exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from biotm.cli import cli
from biotm.model.limits import DEFAULT_MAX_ELEMENTS, FLOWS_PER_ELEMENT


def _model(elements: int, flows: int = 0) -> dict[str, Any]:
    return {
        "meta": {"name": "many"},
        "zones": [{"id": "z", "owner": "Org", "jurisdiction": "CN"}],
        "elements": [{"id": f"e{n}", "type": "process", "zone": "z"} for n in range(elements)],
        "flows": [{"id": f"f{n}", "source": "e0", "target": "e1"} for n in range(flows)],
    }


def _validate(tmp_path: Path, model: dict[str, Any], *flags: str) -> Any:
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model, indent=1), encoding="utf-8")
    return CliRunner().invoke(cli, ["validate", str(path), *flags])


def test_one_element_past_the_default_is_refused_at_that_element(tmp_path: Path) -> None:
    run = _validate(tmp_path, _model(DEFAULT_MAX_ELEMENTS + 1))
    assert run.exit_code == 2
    lines = run.output.strip().splitlines()
    assert len(lines) == 1
    where, message = lines[0].split(": ", 1)
    text = (tmp_path / "m.json").read_text(encoding="utf-8").splitlines()
    assert f'"e{DEFAULT_MAX_ELEMENTS}"' in text[int(where.split(":")[1]) - 1 + 1]  # the item's '{', then its id
    assert f"pass --max-elements {DEFAULT_MAX_ELEMENTS + 1}" in message


def test_the_flag_raises_the_limit(tmp_path: Path) -> None:
    assert _validate(tmp_path, _model(DEFAULT_MAX_ELEMENTS + 1), "--max-elements", "20000").exit_code == 0
    assert _validate(tmp_path, _model(12), "--max-elements", "11").exit_code == 2


def test_flows_are_bounded_per_allowed_element(tmp_path: Path) -> None:
    allowed = int(3 * FLOWS_PER_ELEMENT)
    assert _validate(tmp_path, _model(3, allowed), "--max-elements", "3").exit_code == 0
    run = _validate(tmp_path, _model(3, allowed + 1), "--max-elements", "3")
    assert run.exit_code == 2 and "pass --max-elements 4" in run.output


def _broad(elements: int, stores: int, holds: int, sets: int) -> dict[str, Any]:
    """`elements` processes, then `stores` stores each holding `holds` items; the first `sets` stores hold a
    set of their own (items i, i+1, ...), the rest the same first set."""
    items = max(holds + sets, holds)
    model = _model(elements)
    model["data"] = [{"id": f"d{i}", "category": "contact"} for i in range(items)]
    model["elements"] += [
        {"id": f"s{n}", "type": "store", "zone": "z",
         "holds": [f"d{(n if n < sets else 0) + k}" for k in range(holds)]}
        for n in range(stores)
    ]
    return model


def test_data_names_are_bounded_per_allowed_element(tmp_path: Path) -> None:
    from biotm.model.limits import DATA_NAMES_PER_ELEMENT

    allowed = 10 * DATA_NAMES_PER_ELEMENT  # --max-elements 10 (the 2 processes and 8 stores)
    fits = _broad(2, 8, allowed // 8, 1)
    assert _validate(tmp_path, fits, "--max-elements", "10").exit_code == 0
    over = _broad(2, 8, allowed // 8, 1)
    over["elements"][-1]["holds"].append("d0" if "d0" not in over["elements"][-1]["holds"] else f"d{allowed}")
    over["data"].append({"id": f"d{allowed}", "category": "contact"})
    run = _validate(tmp_path, over, "--max-elements", "10")
    assert run.exit_code == 2, run.output
    lines = run.output.strip().splitlines()
    assert len(lines) == 1 and f"name data items {allowed + 1:,} times, over the limit of {allowed:,}" in lines[0]
    line = int(lines[0].split(":")[1])
    text = (tmp_path / "m.json").read_text(encoding="utf-8").splitlines()
    assert '"s7"' in "".join(text[line - 1 : line + 2])  # at the store whose name is the first past the bound
    assert "pass --max-elements 11 " in lines[0]
    assert _validate(tmp_path, over, "--max-elements", "11").exit_code == 0


def test_distinct_data_sets_are_bounded_per_allowed_element(tmp_path: Path) -> None:
    from biotm.model.limits import MIN_DATA_SETS, Limits

    elements = 2_000
    allowed = Limits(max_elements=elements).max_data_sets
    assert allowed > MIN_DATA_SETS  # the per-element bound, not the floor
    # Each store holds a set of its own; with the processes' empty set, `allowed` stores fit.
    fits = _broad(elements - allowed + 1, allowed - 1, 2, allowed - 1)
    assert _validate(tmp_path, fits, "--max-elements", str(elements)).exit_code == 0
    over = _broad(elements - allowed, allowed, 2, allowed)
    run = _validate(tmp_path, over, "--max-elements", str(elements))
    assert run.exit_code == 2, run.output
    lines = run.output.strip().splitlines()
    assert len(lines) == 1 and f"different sets of data items, over the limit of {allowed:,}" in lines[0]
    assert f"{allowed + 1:,} different sets" in lines[0]
    need = int(lines[0].split("pass --max-elements ")[1].split()[0])
    assert _validate(tmp_path, over, "--max-elements", str(need)).exit_code == 0
    assert _validate(tmp_path, over, "--max-elements", str(need - 1)).exit_code == 2


def test_a_wide_random_model_within_the_flow_bound_is_refused_by_its_data(tmp_path: Path) -> None:
    """Issue 18: 10,000 elements and 22,000 flows (within --max-elements' flow bound) carrying 4 of 300 items
    each took 19 s to analyze and 73 s for the terminal report; it is refused in about a second."""
    from strategies import random_wide_model

    run = _validate(tmp_path, random_wide_model(10_000, 22_000, per_flow=4, items=300, seed=1))
    assert run.exit_code == 2 and "different sets of data items, over the limit of" in run.output


def test_zones_data_items_and_attackers_are_bounded_per_allowed_element(tmp_path: Path) -> None:
    """20,000 empty zones took 100 s for the HTML report, 20,000 unused data items 54 s for a PDF DPIA: each
    section is refused at its first item past the bound, naming the --max-elements that lets it in."""
    from biotm.model.limits import SECTION_BOUNDS, section_limit

    for section, (_noun, per, _floor) in SECTION_BOUNDS.items():
        allowed = section_limit(section, 10_000)
        model = _model(2)
        entries = {
            "zones": [{"id": f"zz{n}", "owner": "Org", "jurisdiction": "CN"} for n in range(allowed)],
            "data": [{"id": f"d{n}", "category": "contact"} for n in range(allowed + 1)],
            "attackers": [{"id": f"a{n}", "kind": "outsider", "entry": ["internet"]} for n in range(allowed + 1)],
            "threats": [{"id": f"t{n}", "title": "by hand", "place": "e0"} for n in range(allowed + 1)],
        }[section]
        model[section] = model.get(section, [])[:1] + entries  # the model's one zone, then allowed more: one past
        run = _validate(tmp_path, model, "--max-elements", "10000")
        assert run.exit_code == 2, (section, run.output)
        lines = run.output.strip().splitlines()
        assert len(lines) == 1 and f"over the limit of {allowed:,}" in lines[0], lines
        line = int(lines[0].split(":")[1])
        text = (tmp_path / "m.json").read_text(encoding="utf-8").splitlines()
        assert f'"{entries[-1]["id"]}"' in text[line], section  # at the item past the bound (the line after '{')
        need = int(lines[0].split("pass --max-elements ")[1].split()[0])
        assert need == (allowed + 1) * per
        assert _validate(tmp_path, model, "--max-elements", str(need)).exit_code == 0, section
        model[section] = model[section][:-1]
        assert _validate(tmp_path, model, "--max-elements", "10000").exit_code == 0, section


def test_verifications_and_derivations_are_bounded_over_the_whole_model(tmp_path: Path) -> None:
    """40,000 verifications spread over the national model's elements took 21 s to analyze: both lists inside
    elements are counted over the model and refused at the element whose list passes the bound."""
    from biotm.model.limits import NESTED_BOUNDS

    elements = 1_200
    for field, (noun, per, floor) in NESTED_BOUNDS.items():
        allowed = elements // per
        assert allowed > floor
        model = _model(elements)
        model["data"] = [{"id": "face", "category": "biometric_sample", "modality": "face"}]
        entry: dict[str, Any] = (
            {"id": "v", "action": "open", "requires": "live:face", "grants": ["cap"]}
            if field == "verifies" else {"from": ["face"], "to": "face"}
        )
        for element in model["elements"][-allowed - 1:]:  # one past the bound, on the last element
            element[field] = [dict(entry, id=f"v-{element['id']}") if field == "verifies" else dict(entry)]
        run = _validate(tmp_path, model, "--max-elements", str(elements))
        assert run.exit_code == 2, (field, run.output[-500:])
        lines = run.output.strip().splitlines()
        assert len(lines) == 1 and f"{allowed + 1:,} {noun}, over the limit of {allowed:,}" in lines[0], lines
        line = int(lines[0].split(":")[1])
        text = (tmp_path / "m.json").read_text(encoding="utf-8").splitlines()
        assert f'"e{elements - 1}"' in text[line], field  # at the element whose list passes the bound
        assert f"pass --max-elements {(allowed + 1) * per} " in lines[0]


def test_verifications_are_bounded_by_the_attackers_who_search_them(tmp_path: Path) -> None:
    """Each attacker's chain search evaluates every verification's requirement: 4,800 verifications of
    alternatives took 8 s to analyze with 3 attackers and 23 s with 50. Their product is bounded, refused at
    the element whose verifications pass it, and one attacker fewer lets the same model in."""
    from biotm.model.limits import BUILT_IN_ATTACKERS, CHAIN_WORK_PER_ELEMENT

    elements, verifying = 200, 134
    limit = elements * CHAIN_WORK_PER_ELEMENT
    model = _model(elements)
    model["data"] = [{"id": "face", "category": "biometric_sample", "modality": "face"},
                     {"id": "idn", "category": "national_id"}]
    model["attackers"] = [{"id": f"a{n}", "kind": "outsider", "entry": ["internet"]} for n in range(2)]
    for element in model["elements"][:verifying]:  # three nodes each: the AND and its two terms
        element["verifies"] = [{"id": "v", "action": "open", "requires": {"all": ["face", "idn"]}, "grants": ["cap"]}]
    searchers = len(model["attackers"]) + BUILT_IN_ATTACKERS
    assert 3 * (verifying - 1) * searchers <= limit < 3 * verifying * searchers
    run = _validate(tmp_path, model, "--max-elements", str(elements))
    assert run.exit_code == 2, run.output[-500:]
    lines = run.output.strip().splitlines()
    assert len(lines) == 1
    assert (f"{3 * verifying:,} requirement terms and operators, and each of its 2 attackers and "
            f"{BUILT_IN_ATTACKERS} built-in attacker profiles searches them all: {3 * verifying * searchers:,}, over "
            f"the limit of {limit:,} ({CHAIN_WORK_PER_ELEMENT} per element of --max-elements {elements})") in lines[0]
    line = int(lines[0].split(":")[1])
    text = (tmp_path / "m.json").read_text(encoding="utf-8").splitlines()
    assert f'"e{verifying - 1}"' in text[line]  # at the element whose verifications pass the bound
    needed = -(-3 * verifying * searchers // CHAIN_WORK_PER_ELEMENT)
    assert f"pass --max-elements {needed} " in lines[0]
    assert _validate(tmp_path, model, "--max-elements", str(needed)).exit_code == 0
    model["attackers"].pop()
    assert _validate(tmp_path, model, "--max-elements", str(elements)).exit_code == 0
