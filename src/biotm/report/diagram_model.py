"""The data-flow diagram's records (zones, elements, flows as placed boxes and lines) and its layout constants.

Kept apart from the layout code so the router (diagram_route) and the layout (diagram) share them without
importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Stroke colours by worst open finding; "none" for flows and elements without one.
COLOURS: dict[str, str] = {
    "critical": "#b71c1c",
    "high": "#e65100",
    "medium": "#c79100",
    "low": "#1565c0",
    "info": "#607d8b",
    "none": "#8a8a8a",
}

NODE_W = 160.0
NODE_H = 62.0  # three lines of name and one of type and id
GAP_X = 28.0
GAP_Y = 18.0
PAD = 14.0
HEADER = 38.0  # two lines of zone name: wrapped, never cut short
ZONE_GAP = 150.0  # room for a flow label between zone columns
MARGIN = 20.0
#: Rank columns wrap into a new band below past this width: about a landscape page or a report's width at a
#: readable scale.
BAND_WIDTH = 1500.0
#: Above this many elements every diagram (`biotm diagram` without --full, and the HTML, PDF and Markdown
#: reports) draws the zone overview, in time linear in the model: every element would be a hairball, and
#: Graphviz takes minutes on thousands of boxes.
LARGE_MODEL = 150
#: Elements a diagram routes flows around (and sets labels apart) for; routing grows with grid size times
#: flows, about cubic in elements (60: 2 s, 100: 6 s, 150: 19 s, 10,000 over ten minutes), so a larger one (up to
#: LARGE_MODEL, or any with --full) gets one elbow per flow; Graphviz, when installed, draws the SVG itself.
ROUTED_MAX = 100
#: Flows a diagram routes at most (2.5 per routed element, about the density the model limits allow at scale):
#: a dense random model's zone overview had 2,450 flows between 50 zones and took 150 s to route. Routing also
#: stops, and the diagram gets elbows, after `diagram_route.ROUTE_STEPS` walk steps (about 10 s).
ROUTED_MAX_FLOWS = 250
MAX_COLUMNS = 2  # element columns inside one zone: keeps wide models readable
CHAR_W = 6.6  # average glyph width of the 12px sans-serif labels, for truncation


@dataclass
class Node:
    id: str
    label: str
    kind: str
    zone: str
    severity: str = "none"
    biometric_store: bool = False
    rank: int = 0
    x: float = 0.0
    y: float = 0.0


@dataclass
class ZoneBox:
    id: str
    label: str
    parent: str | None
    owner: str
    jurisdiction: str
    exposure: list[str]
    depth: int = 0
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0


@dataclass
class Edge:
    id: str
    label: str
    source: str
    target: str
    data: list[str]
    severity: str = "none"
    biometric: bool = False
    encrypted: bool = False
    #: "network", "in-person" (a person presents or reads: no link to encrypt) or "radio".
    medium: str = "network"
    path: str = ""
    #: The drawn route: an orthogonal polyline from the source's border to the target's (`path` draws it).
    points: list[tuple[float, float]] = field(default_factory=list)
    label_x: float = 0.0
    label_y: float = 0.0


@dataclass
class Diagram:
    title: str
    nodes: dict[str, Node] = field(default_factory=dict)
    zones: dict[str, ZoneBox] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0
    _members: dict[str, list[Node]] = field(default_factory=dict, repr=False)

    def children(self, zone_id: str | None) -> list[ZoneBox]:
        """Zones directly inside `zone_id` (top-level zones for None), by id."""
        return sorted((z for z in self.zones.values() if z.parent == zone_id), key=lambda z: z.id)

    def members(self, zone_id: str) -> list[Node]:
        """Elements directly in `zone_id`, by rank then id (indexed once ranks are set)."""
        if not self._members:
            for node in sorted(self.nodes.values(), key=lambda n: (n.rank, n.id)):
                self._members.setdefault(node.zone, []).append(node)
        return self._members.get(zone_id, [])
