"""Hostile inputs of each class an outside probe found: one located line and exit 2, in bounded CPU and memory.

Files are generated (several would be megabytes). Each runs as a real `biotm` subprocess under an
address-space limit of 1.5 GB; CPU time of the child is read from getrusage(RUSAGE_CHILDREN) and
held to a generous ceiling (about 10x a normal run), never wall time.
"""

from __future__ import annotations

import copy
import json
import os
import re
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

MINIMAL = Path(__file__).parent.parent / "fixtures" / "minimal.yaml"
MEMORY_LIMIT = 1536 * 1024 * 1024
CPU_CEILING = 30.0  # seconds of CPU; a normal validate takes well under 1
LOCATED = re.compile(r"^.+:\d+:\d+: \S")
INTERNALS = ("Traceback", "MemoryError", "RecursionError", "internal error", "panicked")


def _base() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    return loaded


def _yaml_text() -> str:
    return MINIMAL.read_text(encoding="utf-8")


def _with_verifier(requires: str, grants: str = "[sim]", anchors: str = "") -> str:
    verifier = (
        "    discards: [face_image]\n    verifies:\n      - id: v1\n        action: register a SIM\n"
        f"        requires: {requires}\n        grants: {grants}\n"
    )
    return anchors + _yaml_text().replace("    discards: [face_image]\n", verifier)


def lone_surrogate(tmp: Path) -> Path:
    model = _base()
    model["elements"][0]["name"] = "\udfff customer"
    path = tmp / "surrogate.json"
    path.write_text(json.dumps(model), encoding="utf-8")  # json.dumps writes the escape \udfff
    return path


def huge_integer(tmp: Path) -> Path:
    path = tmp / "huge.yaml"
    path.write_text(_yaml_text().replace("subjects: 1000", "subjects: 0x" + "f" * 5000, 1), encoding="utf-8")
    return path


def sexagesimal(tmp: Path) -> Path:
    path = tmp / "base60.yaml"
    path.write_text(_yaml_text().replace("subjects: 1000", "subjects: 190:20:30", 1), encoding="utf-8")
    return path


def deep_alias_chain(tmp: Path, levels: int = 1200) -> Path:
    """An alias of an alias ... `levels` deep, padded so the node budget (per byte) does not catch it."""
    lines = ["x-defs:", "  - &a0 {any: [face_image]}"]
    lines += [f"  - &a{i} {{all: [*a{i - 1}]}}" for i in range(1, levels)]
    padding = "#" + " " * 200 + "\n"
    text = padding * (levels * levels // 400 + 10) + "\n".join(lines) + "\n"
    path = tmp / "deep-alias.yaml"
    path.write_text(text + _with_verifier(f"*a{levels - 1}").replace("meta:", "meta:", 1), encoding="utf-8")
    return path


def big_string_aliases(tmp: Path) -> Path:
    aliases = ", ".join(["*s"] * 3000)
    description = "  description: &s '" + "A" * 1_000_000 + "'\n"
    text = _yaml_text().replace("  name: minimal", f"  name: minimal\n{description}  authors: [{aliases}]")
    path = tmp / "big-string.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def deep_topology(tmp: Path) -> Path:
    path = tmp / "deep-topology.json"
    path.write_text('{"a":' * 100_000 + "1" + "}" * 100_000, encoding="utf-8")
    return path


def latin1_topology(tmp: Path) -> Path:
    path = tmp / "latin1-topology.json"
    path.write_bytes('{"name": "caf\xe9"}'.encode("latin-1"))
    return path


def unknown_zones(tmp: Path) -> Path:
    model = _base()
    # 9,990: with the base's elements just under --max-elements' default, so the zone search itself is bounded
    model["elements"] += [{"id": f"e{i}", "type": "process", "zone": f"zone{i}"} for i in range(9_990)]
    path = tmp / "unknown-zones.json"
    path.write_text(json.dumps(model, indent=1), encoding="utf-8")
    return path


def zone_chain(tmp: Path) -> Path:
    model = _base()
    model["zones"] += [
        {"id": f"z{i}", "owner": "o", "jurisdiction": "CN", "parent": f"z{i - 1}" if i else "core"} for i in range(4000)
    ]
    path = tmp / "zone-chain.json"
    path.write_text(json.dumps(model, indent=1), encoding="utf-8")
    return path


def million_bad_zones(tmp: Path) -> Path:
    path = tmp / "bad-zones.yaml"
    path.write_text("meta: {name: x}\nelements: [{id: a, type: actor, zone: z}]\nzones:\n" + "- 1\n" * 300_000)
    return path


def many_bad_bases(tmp: Path) -> Path:
    """200,000 bases for purposes nothing has: each looked up the elements again (and prepared a fresh "did you
    mean" pool) even after 100 problems were listed, over a minute."""
    model = {
        "meta": {"name": "bases"},
        "zones": [{"id": "z", "owner": "Org", "jurisdiction": "CN"}],
        "elements": [{"id": f"e{n}", "type": "process", "zone": "z", "purpose": f"purpose {n}"} for n in range(2000)],
        "bases": [{"purpose": f"porpose {n}", "basis": "consent"} for n in range(200_000)],
    }
    path = tmp / "bases.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    return path


def nonsense_terms(tmp: Path) -> Path:
    path = tmp / "unicorn.yaml"
    path.write_text(_with_verifier("'live:unicorn'"), encoding="utf-8")
    return path


def empty_grant(tmp: Path) -> Path:
    path = tmp / "empty-grant.yaml"
    path.write_text(_with_verifier("live:face", grants="['']"), encoding="utf-8")
    return path


def self_derivation(tmp: Path) -> Path:
    path = tmp / "self-derivation.yaml"
    path.write_text(_yaml_text().replace("      - from: [face_image]\n", "      - from: [face_template]\n"))
    return path


def derivation_cycle(tmp: Path) -> Path:
    text = _yaml_text().replace(
        "  - id: archive\n    type: store\n",
        "  - id: archive\n    type: store\n    derives:\n      - from: [face_template]\n        to: face_image\n",
    )
    path = tmp / "derivation-cycle.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def huge_control_name(tmp: Path) -> Path:
    model = _base()
    model["settings"] = {"control_cost_days": {"x" * 200_000: 1.0}}
    path = tmp / "huge-control.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    return path


def invalid_id_suggests_nothing_wrong(tmp: Path) -> Path:
    path = tmp / "bad-id.yaml"
    path.write_text(_yaml_text().replace("target: terminal", "target: 'termin al'", 1), encoding="utf-8")
    return path


def json_null(tmp: Path) -> Path:
    path = tmp / "null.json"
    path.write_text("null", encoding="utf-8")
    return path


def utf32(tmp: Path) -> Path:
    path = tmp / "utf32.yaml"
    path.write_bytes(_yaml_text().encode("utf-32"))
    return path


CASES: dict[str, tuple[Callable[[Path], Path], list[str], str]] = {
    # name: (make the file, the command before the file, a phrase the one message must hold)
    "lone surrogate": (lone_surrogate, ["analyze"], "surrogate"),
    "200,000 bases for unknown purposes": (many_bad_bases, ["analyze"], "basis for unknown purpose"),
    "huge integer": (huge_integer, ["analyze"], "at most 10000000000"),
    "base-60 number": (sexagesimal, ["validate"], "base-60 number 685230"),
    "deep alias chain": (deep_alias_chain, ["analyze"], "nesting deeper than 64 levels once alias"),
    "1 MB string x 3000 aliases": (big_string_aliases, ["analyze"], "aliases expand"),
    "deep topology": (deep_topology, ["generate", "--from-topology"], "nesting deeper than 64"),
    "Latin-1 topology": (latin1_topology, ["generate", "--from-topology"], "not valid UTF-8"),
    "10,000 unknown zones": (unknown_zones, ["validate"], "refers to unknown zone"),
    # The zone count's bound (one per 10 allowed elements) refuses these first; raised, what is left to refuse
    # them is what they test: the depth check and the bounded validation of a long bad section.
    "4,000-deep zone chain": (zone_chain, ["analyze", "--max-elements", "50000"], "nested more than 64 zones deep"),
    "300,000 bad zones": (million_bad_zones, ["validate", "--max-elements", "3000000"], "expected a mapping"),
    "live:unicorn": (nonsense_terms, ["validate"], "'unicorn' is not a modality"),
    "empty grant": (empty_grant, ["validate"], "must not be empty"),
    "self-derivation": (self_derivation, ["validate"], "from itself"),
    "derivation cycle": (derivation_cycle, ["validate"], "in a cycle"),
    "JSON null": (json_null, ["validate"], "got nothing (null)"),
    "200 KB control name": (huge_control_name, ["validate"], "settings name unknown control 'xxxx"),
    "invalid id": (invalid_id_suggests_nothing_wrong, ["validate"], "not a valid id 'termin al'"),
    "UTF-32": (utf32, ["validate"], "file is UTF-32"),
}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_bounded(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run biotm under the memory limit; the CPU seconds the child used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "biotm", *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_memory,
        check=False,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "100"},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_is_one_located_refusal(case: str, tmp_path: Path) -> None:
    make, command, phrase = CASES[case]
    path = make(tmp_path)
    done, cpu = run_bounded([*command, str(path)], tmp_path)
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert cpu < CPU_CEILING, f"{case}: {cpu:.1f} s of CPU"
    assert not any(word in done.stderr for word in INTERNALS), done.stderr[-2000:]
    lines = done.stderr.splitlines()
    assert lines and all(LOCATED.match(line) for line in lines), lines[:5]
    assert all(line.startswith(f"{path}:") for line in lines), lines[:5]
    assert len(lines) <= 102, len(lines)  # the first 100 problems and one line about the rest
    assert any(phrase in line for line in lines), lines[:5]
    assert all(len(line) < 1000 for line in lines)  # never pages of quoted model text
    assert not any(re.search(r"'([^']+)'.*did you mean '\1'", line) for line in lines)  # never the wrong word itself


def test_many_problems_end_with_a_count_of_the_rest(tmp_path: Path) -> None:
    done, _cpu = run_bounded(["validate", str(unknown_zones(tmp_path))], tmp_path)
    lines = done.stderr.splitlines()
    assert len(lines) == 101
    assert lines[-1].endswith("and 9,890 more problems (only the first 100 are listed)")


def test_a_long_bad_section_stops_and_says_where(tmp_path: Path) -> None:
    done, _cpu = run_bounded(["validate", "--max-elements", "3000000", str(million_bad_zones(tmp_path))], tmp_path)
    last = done.stderr.splitlines()[-1]
    assert "stopped checking after" in last and "more items of 'zones' not checked" in last


def test_editor_line_numbers_after_a_yaml_only_line_break(tmp_path: Path) -> None:
    """Raw U+2028 and U+0085 are line breaks to YAML, not to editors or SARIF viewers: marks count '\\n'."""
    text = _yaml_text().replace("# a capture", "# a\u2028capture\u0085").replace("zone: vendor\n", "zone: vendr\n")
    path = tmp_path / "separators.yaml"
    path.write_text(text, encoding="utf-8")
    wanted = next(n for n, line in enumerate(text.split("\n"), 1) if "vendr" in line)
    done, _cpu = run_bounded(["validate", str(path)], tmp_path)
    assert done.stderr.startswith(f"{path}:{wanted}:11: "), done.stderr


def test_size_limit_holds_for_devices(tmp_path: Path) -> None:
    done, cpu = run_bounded(["generate", "--from-topology", "/dev/zero"], tmp_path)
    assert done.returncode == 2 and "larger than the 20 MB limit" in done.stderr
    assert cpu < CPU_CEILING


@pytest.mark.parametrize("value", ["inf", "nan", "1e308", "-1"])
def test_size_limit_flag_is_bounded(value: str, tmp_path: Path) -> None:
    done, _cpu = run_bounded(["validate", "--max-size-mb", value, str(MINIMAL)], tmp_path)
    assert done.returncode == 2 and "--max-size-mb" in done.stderr and "Traceback" not in done.stderr


def test_repeated_parses_give_memory_back() -> None:
    """With the cyclic collector off (as the CLI runs), a parse must free everything it built."""
    import gc
    import weakref

    from biotm.model.parse import parse_text
    from biotm.model.yaml_builder import _Builder

    seen: list[weakref.ref[Any]] = []
    original = _Builder.__init__

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        seen.append(weakref.ref(self))

    gc.disable()
    try:
        _Builder.__init__ = spy  # type: ignore[method-assign]
        parse_text(copy.copy(_yaml_text()), "m.yaml")
    finally:
        _Builder.__init__ = original  # type: ignore[method-assign]
        gc.enable()
    assert seen and all(ref() is None for ref in seen)
