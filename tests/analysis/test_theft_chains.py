"""Identity-theft chains: the SIM -> OTP -> bank chain comes out, and PAD + IAD break it."""

from __future__ import annotations

import pytest
from strategies import load_dict
from support import LIVENESS, fixture, fixture_dict, run, scenario

from biotm.model.loader import LoadedModel


def _takeover(result_chains: list, attacker: str, goal: str) -> list:  # type: ignore[type-arg]
    return [c for c in result_chains if attacker in c.attackers and c.goal == goal]


#: What the SIM step grants: the fixture's SIM in the victim's name; the scenario's SIM swap (control of
#: the victim's own number, since a new SIM would get a new number).
SIM_GRANT = {"fixture": "sim-in-victim-name", "scenario": "sim-control"}


@pytest.mark.parametrize(
    ("load", "attacker", "terminal", "goal"),
    [
        (fixture, "buyer", "terminal", "account-takeover"),
        (scenario, "leaked-set-buyer", "shop_terminal", "bank-account-takeover"),
    ],
)
def test_sim_chain_from_leaked_face_and_id_number(load: object, attacker: str, terminal: str, goal: str) -> None:
    sim_grant = SIM_GRANT[getattr(load, "__name__", "")]
    loaded: LoadedModel = load()  # type: ignore[operator]
    result = run(loaded)
    chains = _takeover(result.chains, attacker, goal)
    assert len(chains) == 1
    chain = chains[0]
    verifiers = [s.verifier for s in chain.steps if s.verifier != "leak"]
    # SIM registration, then the OTP the SIM receives, then the bank takeover, in that order.
    assert len(verifiers) == 3 and verifiers[-1] in {"bank_reset", "bank_online"}
    register = next(s for s in chain.steps if s.grants == [sim_grant])
    assert "live:face" in register.uses and "id_number" in register.uses
    assert f"{terminal}:presentation-attack-detection" in register.weak_controls
    leaks = {g for s in chain.steps if s.verifier == "leak" for g in s.grants}
    assert {"id_number"} <= leaks and any(d.startswith("face") for d in leaks)
    # The chain is reported as an idt finding on the verifiers, with the chain's likelihood.
    finding = next(f for f in result.findings if f.id == chain.finding)
    assert finding.rule == "idt-chain" and finding.places == verifiers
    assert finding.likelihood >= chain.likelihood and finding.subjects > 1
    # An attended counter: nobody injects into the clerk's terminal in front of the clerk, so PAD alone breaks it.
    assert f"{terminal}:presentation-attack-detection" in chain.broken_by


@pytest.mark.parametrize(("load", "terminal"), [(fixture, "terminal"), (scenario, "shop_terminal")])
def test_pad_and_iad_break_the_chain_and_the_report_names_them(load: object, terminal: str) -> None:
    sim_grant = SIM_GRANT[getattr(load, "__name__", "")]
    loaded: LoadedModel = load()  # type: ignore[operator]
    before = run(loaded)
    specs = tuple(f"{terminal}:{c}" for c in LIVENESS)
    after = run(loaded, with_controls=specs)
    assert after.what_if == list(specs)
    sim_findings = {c.finding for c in before.chains if any(s.grants == [sim_grant] for s in c.steps)}
    assert sim_findings
    for finding_id in sim_findings:
        delta = next(d for d in after.what_if_deltas if d.finding == finding_id)
        assert delta.after is None or delta.risk_after < delta.risk_before
        assert set(delta.broken_by) == set(specs)
    # No chain registers a SIM any more (the stolen-phone chain, which needs no SIM, may remain).
    assert not any(s.grants == [sim_grant] for c in after.chains for s in c.steps if s.verifier != "leak")


def test_pad_alone_breaks_the_chain_at_a_watched_counter_but_only_lowers_it_at_a_kiosk() -> None:
    loaded = fixture()
    assert run(loaded).chains
    assert not run(loaded, with_controls=("terminal:presentation-attack-detection",)).chains
    kiosk = fixture_dict()
    terminal = next(e for e in kiosk["elements"] if e["id"] == "terminal")  # type: ignore[attr-defined]
    terminal["capture"] = "unattended"
    unwatched = load_dict(kiosk)
    before = {c.id: c for c in run(unwatched).chains}
    after = run(unwatched, with_controls=("terminal:presentation-attack-detection",)).chains
    assert after, "an injection attack through an unwatched kiosk still works without IAD"
    for chain in after:
        assert chain.likelihood < before[chain.id].likelihood


def test_second_factor_at_the_bank_breaks_only_the_takeover() -> None:
    after = run(fixture(), with_controls=("bank_reset:second-factor",))
    goals = {c.goal for c in after.chains}
    assert "sim-in-victim-name" in goals and "account-takeover" not in goals


def test_public_data_and_capabilities_feed_chains(tmp_path: object) -> None:
    import yaml

    from biotm.model.loader import load_bytes

    text = fixture_dict()
    text["attackers"] = [{"id": "nobody", "kind": "other", "entry": [], "capabilities": []}]
    result = run(load_bytes(yaml.safe_dump(text).encode(), "m.yaml"), attackers=("nobody",))
    assert not result.chains  # holds nothing: no face, no ID number
    for item in text["data"]:
        item["public"] = True
    result = run(load_bytes(yaml.safe_dump(text).encode(), "m.yaml"), attackers=("nobody",))
    assert {c.goal for c in result.chains} == {"sim-in-victim-name", "account-takeover"}
    steps = [s for c in result.chains for s in c.steps if s.verifier == "leak"]
    assert steps and all("public" in s.evidence for s in steps)


def test_the_broken_by_work_bound_drops_a_search_it_stops_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """A search the bound stops midway would list only the controls tried so far, claiming the others do not
    break the chain: such a chain lists none, and the warning counts it with the chains never searched, in
    chains as reported (it said 11 chains of a report that lists 4)."""
    from biotm.analysis import theft

    full = run(scenario())
    searched = [c for c in full.chains if c.broken_by]
    assert searched
    monkeypatch.setattr(theft, "BROKEN_BY_WORK", 1)  # the first re-solve of the first search passes it
    bounded = run(scenario())
    assert [c.id for c in bounded.chains] == [c.id for c in full.chains]
    assert all(not c.broken_by for c in bounded.chains)
    notes = [w.message for w in bounded.warnings if w.code == "attack-bound"]
    # counted in reported chains, as the report lists them (several attackers' drafts merge into one)
    assert any(f"were searched for 0 of {len(full.chains):,} chains" in n for n in notes), notes
    assert not [w for w in full.warnings if w.code == "attack-bound"]


def test_the_chains_searched_for_what_breaks_them_are_counted_as_reported_with_every_attacker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Attackers' alike drafts merge into one chain. The bound counted drafts, so the likeliest chain was
    searched for one of its attackers and said it was broken by that attacker's controls, which were never
    tried against the others (each re-plans around a control with what it holds)."""
    from biotm.analysis import theft

    full = run(scenario())
    monkeypatch.setattr(theft, "MAX_BROKEN_BY_CHAINS", 1)
    one = run(scenario())
    assert [c.id for c in one.chains] == [c.id for c in full.chains]
    with_ways = [c for c in one.chains if c.broken_by]
    assert len(with_ways) == 1 and len(with_ways[0].attackers) > 1  # the likeliest chain, each attacker of it
    assert with_ways[0].broken_by == next(c.broken_by for c in full.chains if c.id == with_ways[0].id)
    notes = [w.message for w in one.warnings if w.code == "attack-bound"]
    assert any(f"were searched for 1 of {len(one.chains):,} chains" in n for n in notes), notes


def test_a_merged_chain_is_broken_by_none_when_one_attackers_draft_was_not_searched() -> None:
    from biotm.analysis.theft import merged
    from biotm.result import TheftChain

    def draft(chain_id: str, attacker: str) -> TheftChain:
        return TheftChain(id=chain_id, attacker=attacker, attackers=[attacker], goal="sim-control", likelihood=0.5,
                          subjects=1, severity="info", steps=[], finding="", broken_by=["shop:pad"])

    drafts, keys = [draft("c1", "buyer"), draft("c2", "insider")], {"c1": ("swap",), "c2": ("swap",)}
    assert merged(drafts, keys, set())[("swap",)].broken_by == ["shop:pad"]
    assert merged(drafts, keys, {("swap",)})[("swap",)].broken_by == []  # never tried against the insider


def test_broken_by_work_counts_requirement_nodes() -> None:
    """A verification of twelve alternatives costs what twelve one-term verifications do."""
    from biotm.model.limits import requirement_nodes as _nodes
    from biotm.model.schema import Requirement

    assert _nodes("sim-control") == 1
    assert _nodes(Requirement(all=["live:face", "id_number"])) == 3
    nested = Requirement(any=[Requirement(all=["a", "b"]), Requirement(all=["c", Requirement(any=["d", "e"])])])
    assert _nodes(nested) == 9
