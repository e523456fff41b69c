"""RuleContext's shared item lists and per-data-set memos answer exactly what direct computation does."""

from __future__ import annotations

from strategies import load_dict

from biotm.generate import national_model
from biotm.graph import build_graph
from biotm.model.schema import DataItem
from biotm.rules.base import RuleContext


def _biometric(item: DataItem) -> bool:
    return item.is_biometric


def _ids(items: list[DataItem]) -> tuple[str, ...]:
    return tuple(d.id for d in items)


def _context() -> RuleContext:
    return RuleContext(build_graph(load_dict(national_model(300, seed=2), "national.yaml")))


def test_item_lists_match_the_graph_and_are_shared_per_data_set() -> None:
    ctx = _context()
    graph = ctx.graph
    by_set: dict[frozenset[str], list[DataItem]] = {}
    for flow in graph.model.flows:
        items = ctx.flow_items(flow)
        assert [d.id for d in items] == sorted(set(flow.data))
        assert by_set.setdefault(frozenset(flow.data), items) is items
    for element in graph.model.elements:
        assert [d.id for d in ctx.at_rest(element.id)] == sorted(graph.at_rest.get(element.id, ()))
        assert [d.id for d in ctx.available(element.id)] == sorted(graph.available.get(element.id, ()))
    assert len(by_set) < len(graph.model.flows) / 4  # the national model repeats its data sets


def test_where_and_per_data_equal_direct_filtering() -> None:
    ctx = _context()
    for flow in ctx.graph.model.flows:
        items = ctx.flow_items(flow)
        assert ctx.where(items, _biometric) == [d for d in items if d.is_biometric]
        assert ctx.per_data(items, _ids) == tuple(d.id for d in items)
        assert ctx.flow_items_where(flow, _biometric) == [d for d in items if d.is_biometric]


def test_where_on_lists_the_context_does_not_own_is_never_memoised() -> None:
    """A freed list's id is soon reused by the next one; answers for lists the context does not own must not
    be cached under it."""
    ctx = _context()
    face = next(d for d in ctx.data.values() if d.is_biometric)
    other = next(d for d in ctx.data.values() if not d.is_biometric)
    for _ in range(50):
        for item in (face, other):
            temporary = [item]
            assert ctx.where(temporary, _biometric) == ([item] if item.is_biometric else [])
            assert ctx.per_data(temporary, _ids) == (item.id,)
            del temporary
