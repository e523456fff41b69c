"""`biotm paths` gives k paths to the PATHS_K_PAIRS likeliest attacker/data pairs and says so; the others keep
their likeliest path, and --target still gets k paths for every item it names (issue 18: 600 pairs took 27 s)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from strategies import random_wide_model

from biotm.analysis.stage import PATHS_K_PAIRS
from biotm.cli import cli


def _paths(tmp_path: Path, *flags: str) -> tuple[list[dict[str, object]], str]:
    path = tmp_path / "wide.json"
    if not path.exists():
        path.write_text(json.dumps(random_wide_model(200, 440, per_flow=4, items=150, seed=5)), encoding="utf-8")
    run = CliRunner().invoke(cli, ["paths", str(path), "-f", "json", "-o", str(tmp_path / "p.json"), *flags])
    assert run.exit_code == 0, run.output
    found: list[dict[str, object]] = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    return found, run.output


def test_k_paths_go_to_the_likeliest_pairs_and_the_cut_is_said(tmp_path: Path) -> None:
    found, output = _paths(tmp_path, "-k", "3")
    per_pair = Counter((p["attacker"], p["target_data"]) for p in found)
    assert len(per_pair) > PATHS_K_PAIRS  # every pair keeps a path
    assert 0 < sum(1 for n in per_pair.values() if n > 1) <= PATHS_K_PAIRS
    assert f"3 paths for each of the {PATHS_K_PAIRS} likeliest of {len(per_pair):,} attacker/data pairs" in output
    one, quiet = _paths(tmp_path, "-k", "1")
    assert len(one) == len(per_pair) and "likeliest of" not in quiet


def test_a_named_target_gets_the_k_paths_of_the_unbounded_search(tmp_path: Path) -> None:
    from biotm.analysis.stage import analyze_attacks, attack_paths
    from biotm.graph import build_graph
    from biotm.model import load_model

    found, _ = _paths(tmp_path, "-k", "3")
    graph = build_graph(load_model(str(tmp_path / "wide.json")))
    every = [p.model_dump(mode="json") for p in attack_paths(analyze_attacks(graph), (), 3, k_pairs=None)]
    shown = Counter((p["attacker"], p["target_data"]) for p in found)
    full = Counter((p["attacker"], p["target_data"]) for p in every)
    cut = sorted(pair for pair, n in shown.items() if n < full[pair])
    assert cut  # some pair has more paths than the bounded run shows
    attacker, item = cut[0]
    targeted, output = _paths(tmp_path, "-k", "3", "--target", str(item), "--attacker", str(attacker))
    assert "likeliest of" not in output
    assert targeted == [p for p in every if (p["attacker"], p["target_data"]) == (attacker, item)]
