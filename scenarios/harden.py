"""Write a scenario's hardened twin: the scenario with the controls `biotm mitigate --budget DAYS` proposes.

    python scenarios/harden.py scenarios/china-sim-registration.yaml 40

The original's text is kept line for line (comments and all); each control the plan adds goes into the
element's or flow's `controls:` list (or a new one) with a `# PLAN` comment, so `biotm diff ORIGINAL
HARDENED` shows exactly what the plan claims. Re-run it when the original or the analysis changes;
tests/scenarios/test_scenario_mitigation_plan.py fails until the twin matches the plan again.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit

TODAY = dt.date(2026, 1, 1)
ID_LINE = re.compile(r"^(?P<indent>\s*)- id: (?P<id>[A-Za-z0-9_.\-]+)\s*(#.*)?$")
CONTROLS_LINE = re.compile(r"^(?P<indent>\s*)controls: \[(?P<items>[^\]]*)\](?P<rest>.*)$")


def planned(original: Path, budget: float) -> tuple[list[tuple[str, str]], str]:
    plan = audit(load_model(original), AuditOptions(plan=True, budget_days=budget, today=TODAY)).plan
    assert plan is not None
    members = [(m.split(":", 1)[0], m.split(":", 1)[1]) for item in plan.items for m in item.members]
    summary = f"risk {plan.risk_before:.3f} -> {plan.risk_after:.3f} for {plan.total_cost_days:g} person-days"
    return members, summary


def harden(text: str, members: list[tuple[str, str]]) -> str:
    """`text` with each (place, control) added to the place's block."""
    lines = text.splitlines()
    wanted: dict[str, list[str]] = {}
    for place, control in members:
        wanted.setdefault(place, []).append(control)
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = ID_LINE.match(line)
        out.append(line)
        index += 1
        if not match or match["id"] not in wanted:
            continue
        indent = match["indent"] + "  "
        block_end = index
        while block_end < len(lines) and not ID_LINE.match(lines[block_end]) and _inside(lines[block_end], indent):
            block_end += 1
        controls = sorted(wanted.pop(match["id"]))
        for position in range(index, block_end):
            found = CONTROLS_LINE.match(lines[position])
            if found and found["indent"] == indent:
                items = [*(c.strip() for c in found["items"].split(",") if c.strip()), *controls]
                rest = found["rest"].strip()
                note = f"{rest}; PLAN: + {', '.join(controls)}" if rest else f"# PLAN: + {', '.join(controls)}"
                lines[position] = f"{indent}controls: [{', '.join(items)}]  {note}"
                break
        else:
            out.append(f"{indent}controls: [{', '.join(controls)}]  # PLAN")
    if wanted:
        raise SystemExit(f"no block found for {sorted(wanted)}")
    return "\n".join(out) + "\n"


def _inside(line: str, indent: str) -> bool:
    """Whether `line` still belongs to the block indented by `indent` (blank lines and comments do)."""
    return not line.strip() or line.startswith(indent) or line.lstrip().startswith("#")


def main(argv: list[str]) -> None:
    original, budget = Path(argv[1]), float(argv[2])
    members, summary = planned(original, budget)
    text = original.read_text(encoding="utf-8")
    text = re.sub(r"^(  name: .*)$", r"\1, hardened", text, count=1, flags=re.M)
    header = (
        f"# HARDENED TWIN of {original.name}: the same model with the controls that\n"
        f"# `biotm mitigate {original.name} --budget {budget:g}` proposes ({summary}),\n"
        f"# each marked `# PLAN`. Written by `python scenarios/harden.py {original} {budget:g}`; do not edit by hand.\n"
        f"# plan-budget: {budget:g}\n"
    )
    target = original.with_name(original.stem + "-hardened.yaml")
    target.write_text(header + harden(text, members), encoding="utf-8")
    print(f"{target}: {len(members)} controls added, {summary}")


if __name__ == "__main__":
    main(sys.argv)
