"""Attack paths: the built-in attackers land on the model, paths are best-first, controls lower them."""

from __future__ import annotations

import math

from support import fixture_dict, run, scenario

from biotm.analysis.attackers import attackers_for, entries
from biotm.analysis.numbers import Numbers
from biotm.analysis.paths import AttackGraph
from biotm.analysis.stage import analyze_attacks, attack_paths
from biotm.analysis.whatif import with_controls
from biotm.graph import build_graph


def test_builtin_insiders_map_onto_roles_and_zones() -> None:
    graph = build_graph(scenario())
    by_id = {a.id: a for a in attackers_for(graph)}
    assert by_id["insider-clerk"].entry == ["clerk"]
    assert by_id["insider-operator"].entry == ["backoffice"]
    assert by_id["insider-police"].entry == ["police_investigator"]
    assert by_id["compromised-vendor"].entry == ["face_vendor"]
    assert by_id["phone-thief"].entry == ["customer_phone"]
    assert "insider-vendor-engineer" not in by_id  # no vendor-role actor in this model
    # The model's own attacker is added beside the library.
    assert by_id["leaked-set-buyer"].holds == ["face_image", "id_number", "name", "phone_number"]
    vendor = {e.element: e.step for e in entries(graph, by_id["compromised-vendor"])}
    assert vendor == {"liveness_cloud": "stand", "vendor_logs": "stand"}


def test_model_attacker_overrides_builtin_with_same_id() -> None:
    import yaml

    from biotm.model.loader import load_bytes

    data = fixture_dict()
    data["attackers"].append({"id": "outsider", "kind": "outsider", "entry": ["core"], "skill": 0.9})
    graph = build_graph(load_bytes(yaml.safe_dump(data).encode(), "m.yaml"))
    outsider = next(a for a in attackers_for(graph) if a.id == "outsider")
    assert outsider.entry == ["core"] and outsider.skill == 0.9


def test_k_paths_are_best_first_and_the_first_is_dijkstras() -> None:
    graph = build_graph(scenario())
    analysis = analyze_attacks(graph)
    found = attack_paths(analysis, ("face_image",), 4)
    by_pair: dict[tuple[str, str], list[float]] = {}
    for path in found:
        by_pair.setdefault((path.attacker, path.target_data), []).append(path.probability)
        assert math.isclose(path.probability, math.prod(s.probability for s in path.steps))
        assert path.steps[0].source == "entry"
    assert any(len(ps) > 1 for ps in by_pair.values())
    for (attacker, data_id), probabilities in by_pair.items():
        assert len(probabilities) <= 4
        assert probabilities == sorted(probabilities, reverse=True)
        leak = analysis.leaks[attacker][data_id]
        if [e.kind for e in leak.edges] == ["stand"] and attacker in ("compromised-vendor", "insider-vendor-engineer"):
            assert probabilities[0] < 1.0  # its own view is no attack path; the next one is
        else:
            assert math.isclose(probabilities[0], leak.probability)


def test_controls_on_the_path_lower_its_probability() -> None:
    loaded = scenario()
    before = analyze_attacks(build_graph(loaded)).leaks["outsider"]["face_image"]
    reached = sorted({e.target for e in before.edges if not e.target.startswith("flow:")})
    assert reached, "the outsider's best leak must cross an element for this test to mean anything"
    changed = with_controls(loaded, [(element, "network-isolation") for element in reached])
    after = analyze_attacks(build_graph(changed)).leaks["outsider"].get("face_image")
    assert after is None or after.probability < before.probability


def test_encryption_stops_eavesdropping_but_not_a_compromised_endpoint() -> None:
    graph = build_graph(scenario())
    attack_graph = AttackGraph(graph, Numbers.of(graph.model.settings))
    buyer = next(a for a in attackers_for(graph) if a.id == "leaked-data-buyer")
    starts = attack_graph.start_edges(buyer)
    assert starts["flow:otp_delivery"].probability == Numbers().step["eavesdrop"]  # SMS over the air
    assert starts["flow:submit_registration"].probability < starts["flow:otp_delivery"].probability


def test_insiders_are_not_reported_for_data_their_role_shows_them() -> None:
    result = run(scenario())
    face = next(f for f in result.findings if f.rule == "atk-exposure" and f.places == ["face_image"])
    assert not face.evidence.startswith("insider-clerk")
    # ... but their chains still use it.
    assert any("insider-clerk" in c.attackers for c in result.chains)


def test_the_data_buyer_profile_holds_every_leaked_kind_item_however_many() -> None:
    """The built-in buyer holds the model's own leaked-kind items; 13,000 of them once failed the 10,000-item
    bound on one record's input lists (an internal error in every command). That bound is for what a model
    file writes, not for profiles built from it."""
    import json

    from biotm.analysis.attackers import builtin_attackers
    from biotm.graph import build_graph
    from biotm.model import Limits, load_bytes
    from biotm.model.schema import MAX_ITEMS

    count = MAX_ITEMS + 1
    model = {
        "meta": {"name": "many ids"},
        "zones": [{"id": "shop", "owner": "Org", "jurisdiction": "CN", "public_place": True}],
        "elements": [{"id": "desk", "type": "process", "zone": "shop"},
                     {"id": "db", "type": "store", "zone": "shop", "holds": ["id0"]}],
        "data": [{"id": f"id{n}", "category": "national_id"} for n in range(count)],
        "flows": [{"id": "f", "source": "desk", "target": "db", "data": ["id0"]}],
    }
    graph = build_graph(load_bytes(json.dumps(model).encode(), "m.json", Limits(max_elements=10 * count)))
    buyer = next(a for a in builtin_attackers(graph) if a.id == "leaked-data-buyer")
    assert len(buyer.holds) == count
