"""Generated hostile shapes (deep aliases, long chains, surrogates, huge numbers, separators) through the loader.

Byte mutation rarely builds these; each generator writes one shape at a drawn size, and the harness
accepts only a loaded model (which must then audit and render) or one-line located problems.
Findings of these generators are kept as fixed cases in tests/hostile/.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from fuzz_harness import check_input
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MINIMAL = (Path(__file__).parent.parent / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
EXAMPLES = int(os.environ.get("BIOTM_MUTATIONS", "60"))
VERIFIER = (
    "    discards: [face_image]\n    verifies:\n      - id: v1\n        action: a\n"
    "        requires: {}\n        grants: [{}]\n"
)


def _verifier(requires: str, grant: str = "sim") -> str:
    return MINIMAL.replace("    discards: [face_image]\n", VERIFIER.format(requires, grant))


@st.composite
def deep_aliases(draw: st.DrawFn) -> bytes:
    levels = draw(st.integers(1, 150))
    fan = draw(st.integers(1, 3))
    lines = ["x:", "  - &a0 {any: [face_image]}"]
    lines += [f"  - &a{i} {{all: [{', '.join([f'*a{i - 1}'] * fan)}]}}" for i in range(1, levels)]
    return ("\n".join(lines) + "\n" + _verifier(f"*a{levels - 1}")).encode()


@st.composite
def long_chains(draw: st.DrawFn) -> bytes:
    count = draw(st.integers(1, 300))
    model = json.loads(json.dumps(__import__("yaml").safe_load(MINIMAL)))
    kind = draw(st.sampled_from(["zones", "derivations", "requires"]))
    if kind == "zones":
        model["zones"] += [{"id": f"z{i}", "owner": "o", "jurisdiction": "CN", "parent": f"z{i - 1}" if i else "core"}
                           for i in range(count)]
        if draw(st.booleans()):
            model["zones"][3]["parent"] = f"z{count - 1}"  # close the chain into a cycle
    elif kind == "derivations":
        model["data"] += [{"id": f"d{i}", "category": "other"} for i in range(count)]
        model["elements"][2]["derives"] = [{"from": [f"d{i}"], "to": f"d{i + 1}"} for i in range(count - 1)]
        if draw(st.booleans()):
            model["elements"][2]["derives"].append({"from": [f"d{count - 1}"], "to": "d0"})
    else:
        requirement: object = "live:face"
        for _ in range(min(count, 80)):
            requirement = {"all": [requirement]}
        model["elements"][2]["verifies"] = [{"id": "v", "action": "a", "requires": requirement, "grants": ["g"]}]
    return json.dumps(model).encode()


@st.composite
def surrogates_and_separators(draw: st.DrawFn) -> bytes:
    junk = draw(st.sampled_from(["\\udfff", "\\ud800", "\\ud83d\\ude00", "\\u2028", "\\u0085", "\\u202e", "\\u061c"]))
    model = json.dumps(__import__("yaml").safe_load(MINIMAL))
    at = draw(st.sampled_from(['"minimal"', '"customer"', '"face_image"']))
    as_yaml = draw(st.booleans())
    if as_yaml:
        raw = junk.encode().decode("unicode_escape") if "ud8" not in junk and "udf" not in junk else ""
        return MINIMAL.replace("name: minimal", f"name: 'x{raw}y'").encode("utf-8", "surrogatepass")
    return model.replace(at, at[:-1] + junk + '"', 1).encode()


@st.composite
def huge_numbers(draw: st.DrawFn) -> bytes:
    digits = draw(st.integers(1, 6000))
    number = draw(st.sampled_from(["9" * digits, "0x" + "f" * digits, f"1e{digits}", "-" + "9" * digits, "190:20:30",
                                   "0777", ".inf", ".nan"]))
    field = draw(st.sampled_from(["subjects: 1000", "capture: attended"]))
    replacement = "subjects: " + number if field.startswith("subjects") else "people: " + number
    return MINIMAL.replace(field, replacement if field.startswith("subjects") else f"{field}\n    {replacement}",
                           1).encode()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(deep_aliases(), long_chains(), surrogates_and_separators(), huge_numbers()))
def test_hostile_shapes_load_or_fail_in_one_located_line(data: bytes) -> None:
    check_input(data)
