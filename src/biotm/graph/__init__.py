"""The graph stage: one networkx graph of the system, with zones and data lineage."""

from biotm.graph.system import Lineage, SystemGraph, build_graph

__all__ = ["Lineage", "SystemGraph", "build_graph"]
