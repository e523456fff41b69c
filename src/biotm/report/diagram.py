"""The data-flow diagram of an audit: its structure (zones, elements, flows, colours) and a layered layout.

The structure feeds every diagram format (SVG, DOT, Mermaid). The layout is pure Python so the
diagram draws after `pip install` alone: elements get a rank by longest path over the flow graph
(replies and loops ignored), top-level zones become columns by their earliest rank, elements sit
in at most two columns inside their zone in rank order, and nested zones are boxes inside their
parent's box. Every choice breaks ties by id, so the same result always gives the same picture.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from biotm.model.portraits import biometric_ids
from biotm.model.schema import Flow
from biotm.report import view
from biotm.result import AuditResult

if TYPE_CHECKING:
    import networkx as nx

from biotm.report.diagram_model import (
    BAND_WIDTH,
    COLOURS,
    GAP_X,
    GAP_Y,
    HEADER,
    LARGE_MODEL,
    MARGIN,
    MAX_COLUMNS,
    NODE_H,
    NODE_W,
    PAD,
    ZONE_GAP,
    Diagram,
    Edge,
    Node,
    ZoneBox,
)
from biotm.report.label_text import text_width, wrap


def _unranked(result: AuditResult) -> Diagram:
    model = result.model
    element_severity = view.worst_on_elements(result)
    stores = set(view.biometric_stores(result))
    diagram = Diagram(title=result.summary.name)
    zone_ids = {z.id for z in result.zones}
    for zone in result.zones:
        exposure = ["internet"] * zone.internet_facing + ["public place"] * zone.public_place
        parent = zone.parent if zone.parent in zone_ids and zone.parent != zone.id else None
        diagram.zones[zone.id] = ZoneBox(zone.id, zone.name, parent, zone.owner, zone.jurisdiction, exposure)
    for element in sorted(model.elements, key=lambda e: e.id):
        diagram.nodes[element.id] = Node(
            id=element.id,
            label=element.name or element.id,
            kind=element.type.value,
            zone=element.zone,
            severity=element_severity.get(element.id, "none"),
            biometric_store=element.id in stores,
        )
    diagram.edges = _edges(result)
    return diagram


def _edges(result: AuditResult) -> list[Edge]:
    """Every flow as an edge, in id order, coloured by its worst open finding."""
    model = result.model
    flow_severity = view.worst_on_flows(result)
    biometric = biometric_ids(model)
    actors = {e.id for e in model.elements if e.type.value == "actor"}
    zone_of = {e.id: e.zone for e in model.elements}
    return [
        Edge(
            id=flow.id,
            label=flow.name or flow.id,
            source=flow.source,
            target=flow.target,
            data=sorted(flow.data),
            severity=flow_severity.get(flow.id, "none"),
            biometric=any(d in biometric for d in flow.data),
            encrypted=flow.encrypted,
            medium=medium(flow, actors, zone_of),
        )
        for flow in sorted(model.flows, key=lambda f: f.id)
    ]


def caption(zone: ZoneBox) -> list[str]:
    """A zone's name, owner and jurisdiction in at most two lines of its box's width (bold text runs wider)."""
    return wrap(_caption_text(zone), zone.w - 24, 2)


def _caption_text(zone: ZoneBox) -> str:
    return zone.label + (f" · {zone.owner} · {zone.jurisdiction}" if zone.jurisdiction else "")


def structure(result: AuditResult) -> Diagram:
    """What the diagram shows, without positions."""
    diagram = _unranked(result)
    _break_zone_cycles(diagram)
    _rank(diagram)
    return diagram


def is_large(result: AuditResult) -> bool:
    """Whether a diagram of `result` shows the zone overview rather than every element."""
    return len(result.model.elements) > LARGE_MODEL


def drawn_structure(result: AuditResult, full: bool = False) -> Diagram:
    """The structure a diagram draws: every element, or (on a large model, unless `full`) the zone overview."""
    return overview_structure(result) if is_large(result) and not full else structure(result)


_RADIO = re.compile(r"\b(radio|nfc|bluetooth|rfid|iso 14443|wi-?fi|uwb)\b", re.IGNORECASE)


def medium(flow: Flow, actors: set[str], zone_of: dict[str, str]) -> str:
    """How a flow travels: in person when a person in the same zone presents or reads it (a face to a camera, a
    screen to a clerk), radio when its protocol says so, else over a network."""
    if (flow.source in actors or flow.target in actors) and zone_of.get(flow.source) == zone_of.get(flow.target):
        return "in-person"
    if flow.protocol and _RADIO.search(flow.protocol):
        return "radio"
    return "network"


def overview(result: AuditResult) -> Diagram:
    """The zone overview, positioned."""
    return arrange(overview_structure(result))


def overview_structure(result: AuditResult) -> Diagram:
    """Zones as nodes inside one box per owner, flows between them aggregated: for models too large to draw.

    Alike zones (same owner, parent and exposure, and the same mix of element types, such as 93 carrier shops)
    are one node, "93 zones like 'Carrier A shops in Anhui'", so even a national model fits a page.
    """
    types: dict[str, list[str]] = defaultdict(list)
    for element in result.model.elements:
        types[element.zone].append(element.type.value)
    alike: dict[tuple[object, ...], list[str]] = defaultdict(list)
    for zone in result.zones:
        key = (zone.owner, zone.parent, zone.internet_facing, zone.public_place, tuple(sorted(types[zone.id])))
        alike[key].append(zone.id)
    names = {z.id: z for z in result.zones}
    node_of: dict[str, str] = {}
    diagram = Diagram(title=f"{result.summary.name}: zone overview")
    for owner in sorted({z.owner for z in result.zones}):
        diagram.zones[f"owner:{owner}"] = ZoneBox(f"owner:{owner}", owner, None, owner, "", [])
    for members in alike.values():
        first = names[min(members)]
        exposure = ["internet"] * first.internet_facing + ["public place"] * first.public_place
        count = sum(len(types[m]) for m in members)
        elements = f"{count:,} element{'s' if count != 1 else ''}"
        where = ", ".join(sorted({names[m].jurisdiction for m in members}))
        if len(members) == 1:
            label = f"{first.name} ({elements}, {where}{''.join(', ' + e for e in exposure)})"
        else:
            label = (
                f"{len(members)} zones like “{first.name}” ({elements}, {where}{''.join(', ' + e for e in exposure)})"
            )
        diagram.nodes[first.id] = Node(first.id, label, "zone", f"owner:{first.owner}")
        for member in members:
            node_of[member] = first.id
    zone_of = {e.id: node_of[e.zone] for e in result.model.elements if e.zone in node_of}
    severity_rank = {name: rank for rank, name in enumerate(COLOURS)}
    pairs: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for edge in _edges(result):  # the flows only: 10,000 element boxes would be built for nothing
        source, target = zone_of.get(edge.source), zone_of.get(edge.target)
        if source is not None and target is not None and source != target:
            pairs[(source, target)].append(edge)
    for (source, target), edges in sorted(pairs.items()):
        worst = min((e.severity for e in edges), key=lambda sev: severity_rank[sev])
        for zone_id in (source, target):
            node = diagram.nodes[zone_id]
            if severity_rank[worst] < severity_rank[node.severity]:
                node.severity = worst
        diagram.edges.append(
            Edge(
                id=f"{source}>{target}",
                label=f"{len(edges):,} flow{'s' if len(edges) != 1 else ''}",
                source=source,
                target=target,
                data=sorted({d for e in edges for d in e.data}),
                severity=worst,
                biometric=any(e.biometric for e in edges),
                encrypted=all(e.encrypted for e in edges),
                medium="network" if any(e.medium == "network" for e in edges) else edges[0].medium,
            )
        )
    _break_zone_cycles(diagram)
    _rank(diagram)
    return diagram


def _break_zone_cycles(diagram: Diagram) -> None:
    """A zone whose parent chain loops is drawn at the top level rather than nowhere."""
    for zone in diagram.zones.values():
        seen = {zone.id}
        current = zone.parent
        while current is not None:
            if current in seen:
                zone.parent = None
                break
            seen.add(current)
            current = diagram.zones[current].parent
    for zone in diagram.zones.values():
        depth, current = 0, zone.parent
        while current is not None:
            depth, current = depth + 1, diagram.zones[current].parent
        zone.depth = depth


def _rank(diagram: Diagram) -> None:
    """Longest-path rank of every element over the flows with back edges (replies, loops) ignored.

    A depth-first search from the elements nothing flows into (then any left, by id) marks the edges
    that close a cycle; the rest form a DAG. Elements nothing flows into are then moved right to just
    before their first consumer, so a bank that only sends sits next to the gateway it sends to.
    """
    successors: dict[str, list[str]] = defaultdict(list)
    has_input: set[str] = set()
    for edge in diagram.edges:
        if edge.source != edge.target:
            successors[edge.source].append(edge.target)
            has_input.add(edge.target)
    forward: dict[str, set[str]] = defaultdict(set)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    # People start the story (the data subject first), then other elements nothing flows into.
    starts = sorted(
        (n for n in diagram.nodes if n not in has_input),
        key=lambda n: (diagram.nodes[n].kind != "actor", n),
    ) + sorted(diagram.nodes)
    for start in starts:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(sorted(set(successors[start]))))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif child not in state:
                forward[node].add(child)
                state[child] = 1
                stack.append((child, iter(sorted(set(successors[child])))))
            elif state[child] == 2:
                forward[node].add(child)
    import networkx  # here, not at module level: markdown and diff import this module at start-up

    graph: nx.DiGraph[str] = networkx.DiGraph()
    graph.add_nodes_from(sorted(diagram.nodes))
    graph.add_edges_from((a, b) for a in sorted(forward) for b in sorted(forward[a]))
    rank: dict[str, int] = {}
    for node in networkx.lexicographical_topological_sort(graph):
        rank[node] = max((rank[p] + 1 for p in graph.predecessors(node)), default=0)
    for node in sorted(diagram.nodes):
        if not any(True for _ in graph.predecessors(node)) and any(True for _ in graph.successors(node)):
            rank[node] = max(min(rank[s] for s in graph.successors(node)) - 1, 0)
        diagram.nodes[node].rank = rank[node]


def _zone_rank(diagram: Diagram, zone: ZoneBox) -> int:
    ranks = [n.rank for n in diagram.members(zone.id)]
    ranks += [_zone_rank(diagram, child) for child in diagram.children(zone.id)]
    return min(ranks, default=0)


def _size(diagram: Diagram, zone: ZoneBox) -> tuple[float, float]:
    """Width and height of a zone box: its element sub-columns above its child zones."""
    columns = _columns(diagram, zone.id)
    inner_w = sum(NODE_W for _ in columns) + GAP_X * max(len(columns) - 1, 0)
    inner_h = max((len(c) * NODE_H + (len(c) - 1) * GAP_Y for c in columns), default=0.0)
    for child in diagram.children(zone.id):
        cw, ch = _size(diagram, child)
        inner_w = max(inner_w, cw)
        inner_h += (GAP_Y if inner_h else 0.0) + ch
    # wide enough for the caption in two lines, up to two element columns' width
    named = min(text_width(_caption_text(zone)) * 0.6 + 24, 2 * NODE_W + GAP_X + 2 * PAD)
    return max(max(inner_w, NODE_W) + 2 * PAD, named), inner_h + HEADER + PAD


def _columns(diagram: Diagram, zone_id: str) -> list[list[Node]]:
    """A zone's own elements in rank order, filled column by column into at most MAX_COLUMNS columns."""
    members = diagram.members(zone_id)
    if not members:
        return []
    count = 1 if len(members) <= 2 else MAX_COLUMNS
    rows = -(-len(members) // count)
    return [members[i : i + rows] for i in range(0, len(members), rows)]


def _place(diagram: Diagram, zone: ZoneBox, x: float, y: float) -> None:
    zone.x, zone.y = x, y
    zone.w, zone.h = _size(diagram, zone)
    columns = _columns(diagram, zone.id)
    cursor_y = y + HEADER
    for index, column in enumerate(columns):
        for row, node in enumerate(column):
            node.x = x + PAD + index * (NODE_W + GAP_X)
            node.y = cursor_y + row * (NODE_H + GAP_Y)
    tallest = max((len(c) * NODE_H + (len(c) - 1) * GAP_Y for c in columns), default=0.0)
    cursor_y += tallest + (GAP_Y if tallest else 0.0)
    for child in diagram.children(zone.id):
        _place(diagram, child, x + PAD, cursor_y)
        cursor_y += child.h + GAP_Y


def layout(result: AuditResult) -> Diagram:
    """The diagram with every zone, element and flow positioned (coordinates in SVG user units)."""
    return arrange(structure(result))


def report_layout(result: AuditResult, full: bool = False) -> Diagram:
    """The diagram a report shows, positioned: every element, or the zone overview on a large model."""
    return arrange(drawn_structure(result, full))


def arrange(diagram: Diagram) -> Diagram:
    """Position a ranked diagram's zones, nodes and edges: rank columns left to right, wrapped into bands
    below one another past BAND_WIDTH (a zone overview of eight owners was one 3,500-unit row)."""
    by_rank: dict[int, list[ZoneBox]] = defaultdict(list)
    for zone in diagram.children(None):
        by_rank[_zone_rank(diagram, zone)].append(zone)
    columns = [sorted(by_rank[key], key=lambda z: z.id) for key in sorted(by_rank)]
    sizes = [[_size(diagram, zone) for zone in column] for column in columns]
    widths = [max(w for w, _ in column) for column in sizes]
    heights = [sum(h for _, h in column) + ZONE_GAP * (len(column) - 1) for column in sizes]
    bands: list[list[int]] = [[]]
    used = 0.0
    for index, width in enumerate(widths):
        if bands[-1] and used + width > BAND_WIDTH:
            bands.append([])
            used = 0.0
        bands[-1].append(index)
        used += width + ZONE_GAP
    y = MARGIN
    right = 0.0
    for band in bands:
        x = MARGIN
        for index in band:
            top = y
            for zone in columns[index]:
                _place(diagram, zone, x, top)
                top += zone.h + ZONE_GAP
            x += widths[index] + ZONE_GAP
        right = max(right, x)
        y += max(heights[index] for index in band) + ZONE_GAP
    diagram.width = round(max(right - ZONE_GAP + MARGIN + 60.0, 2 * MARGIN + NODE_W), 1)  # room for loops
    diagram.height = round(y - ZONE_GAP + MARGIN + 10, 1)
    _route(diagram)
    return diagram


def _route(diagram: Diagram) -> None:
    """Orthogonal routes around every unrelated box, then labels set apart (elbows past ROUTED_MAX elements)."""
    from biotm.report import diagram_route

    if diagram_route.route(diagram, NODE_W, NODE_H, HEADER):
        _spread_labels(diagram)


def _overlaps(box: tuple[float, float, float, float], placed: list[tuple[float, float, float, float]]) -> bool:
    x, y, w, h = box
    return any(x < px + pw and px < x + w and y < py + ph and py < y + h for px, py, pw, ph in placed)


def _spread_labels(diagram: Diagram) -> None:
    """Put each flow's label on its route, on the longest straight run that has room: the first spot (then up or
    down from it) where it overlaps no element box and no earlier label; else the least crowded one."""
    from biotm.report.diagram_route import label_spots

    placed = [(n.x, n.y, NODE_W, NODE_H) for n in diagram.nodes.values()]
    placed += [(z.x, z.y, z.w, HEADER) for z in diagram.zones.values()]  # a zone's name stays legible
    for edge in sorted(diagram.edges, key=lambda e: e.id):
        width = min(text_width(edge.label), EDGE_LABEL_W) + 6
        height = 13.0 * len(wrap(edge.label, EDGE_LABEL_W, 2))
        spots = label_spots(edge)
        candidates = [(x, y + offset) for offset in (0.0, -14.0, 14.0, -28.0, 28.0) for x, y in spots]
        candidates += [(spots[0][0], spots[0][1] + 14.0 * k * sign) for k in range(3, 30) for sign in (-1, 1)]
        chosen = candidates[0]
        for x, y in candidates:
            box = (x - width / 2, y - 12, width, height)
            if not _overlaps(box, placed):
                chosen = (x, y)
                break
        edge.label_x, edge.label_y = round(chosen[0], 1), round(chosen[1], 1)
        placed.append((chosen[0] - width / 2, chosen[1] - 12, width, height))


EDGE_LABEL_W = 130.0
