"""The bounds that keep a hostile model file from using unbounded time or memory."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for the annotation: generating a model must not import the schema
    from biotm.model.schema import Model, Requirement

_MEBIBYTE = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * _MEBIBYTE
#: JSON is read by the json module's C parser, several times faster per value than YAML's event loop,
#: so a JSON file may be larger: the 100,000-element model `biotm generate` writes as JSON fits.
DEFAULT_MAX_JSON_BYTES = 64 * _MEBIBYTE
#: Values (scalars, keys, mappings and lists; an alias counts what it repeats) read before a file is refused.
#: YAML costs about 2.5 µs of CPU per value, so 2.5 million bound a file of tiny values (`[0,0,0,...]`) to
#: seconds where 20 MB of them took a minute; a realistic model holds one value per 11 bytes or so, so any
#: 20 MB YAML model fits.
DEFAULT_MAX_VALUES = 2_500_000
#: JSON values cost 0.1 to 2 µs each; 6 million fit the 100,000-element generated model (4.8 million).
DEFAULT_MAX_JSON_VALUES = 6_000_000
#: Elements audited before a model is refused. An audit costs about 0.5 ms of CPU per element (and its two
#: flows) and `biotm diff` runs two, so this many keep every command but `mitigate` well under 15 s and
#: 1.5 GB on a 2-core machine; the 100,000-element generated model takes about 45 s and 2 GB
#: (benchmarks/README.md). Far above any real system's diagram; national-scale runs raise it.
DEFAULT_MAX_ELEMENTS = 10_000
#: Flows allowed per allowed element (the bound is on the model's whole flow count, so a small diagram may be
#: as dense as it likes): the generated national model and the pytm benchmark topology have 2 per element. At 4,
#: a dense random 10,000-element model (40,000 flows, 125,000 findings) took 18 s to analyze on a quiet 2-core
#: machine and 27 s for a DPIA; at 2.5 its slowest command (an OTM export of 200 MB) took 15 s; 2.2 leave
#: every command a margin under issue 18's 15 s (benchmarks/README.md, "dense models").
FLOWS_PER_ELEMENT = 2.2
_FLOWS_PER_TEN = 22  # the same, in integers: no rounding at the limit's edge


def elements_for(flows: int) -> int:
    """The fewest allowed elements whose flow bound admits `flows`."""
    return -(-flows * 10 // _FLOWS_PER_TEN)


#: Data items named per allowed element, by flows' `data` and elements' `holds`: the generated national model
#: names 8 per element, the dense random ones 2 to 4. Each name is carried into every finding about its place:
#: 22,000 flows each carrying 50 of 300 items (1.1 million names) took 53 s to analyze and 4.9 GB for HTML.
DATA_NAMES_PER_ELEMENT = 12
#: Distinct sets of data items per ten allowed elements, counting the set each flow carries, each element holds
#: and each element sees (what it holds and its flows carry). Findings about other data share no score and no
#: report group, so each costs in full: the national model has 22 such sets, the dense random one 8, and a
#: random one whose flows carry 4 of 300 items 34,000 (103,000 findings, none alike: 19 s to analyze). 2,000
#: on top of the dense random 10,000-element model took 16 s for its HTML report; 1,000 keep it under 15.
DATA_SETS_PER_TEN = 1
#: Distinct data sets any model may have, whatever its --max-elements: a few hundred cost under a second.
MIN_DATA_SETS = 100


#: Requirement terms and operators of all verifications times the attackers who search them (the model's own
#: and BUILT_IN_ATTACKERS), per allowed element: each attacker's theft-chain search evaluates every requirement,
#: and the planner repeats the searches. 4,800 verifications of two or three alternatives (41,000 nodes) on the
#: national model took 8 s to analyze and 14 s to plan with its 3 attackers, 23 s to analyze with 50; at 20 per
#: element (200,000 at the default) the worst took 7 s and 12 s. The generated national model has 285 nodes.
CHAIN_WORK_PER_ELEMENT = 20
#: Built-in attacker profiles an audit may add (analysis/attackers.py): counted whether or not the model has
#: the places they stand on, so the bound does not depend on the analysis.
BUILT_IN_ATTACKERS = 8


def requirement_nodes(requirement: Requirement | str) -> int:
    """Operators and terms in a verification's requirement tree."""
    count, stack = 0, [requirement]
    while stack:
        node = stack.pop()
        count += 1
        if not isinstance(node, str):
            stack.extend(node.all or node.any or [])
    return count


def over_chain_work(model: Model, limits: Limits) -> tuple[str, int, str] | None:
    """(section, index, message) at the element whose verifications take the chain search past its bound."""
    searchers = len(model.attackers) + BUILT_IN_ATTACKERS
    limit = limits.max_elements * CHAIN_WORK_PER_ELEMENT
    nodes, where = 0, None
    for index, element in enumerate(model.elements):
        nodes += sum(requirement_nodes(v.requires) for v in element.verifies)
        if where is None and nodes * searchers > limit:
            where = index
    if where is None:
        return None
    needed = -(-nodes * searchers // CHAIN_WORK_PER_ELEMENT)
    return "elements", where, (
        f"the model's verifications have {nodes:,} requirement terms and operators, and each of its "
        f"{len(model.attackers)} attackers and {BUILT_IN_ATTACKERS} built-in attacker profiles searches them all: "
        f"{nodes * searchers:,}, over the limit of {limit:,} ({CHAIN_WORK_PER_ELEMENT} per element of "
        f"--max-elements {limits.max_elements}), so this bounds an audit's time; pass --max-elements {needed} if "
        "the model is really this large"
    )


#: Per section besides elements and flows: (what its items are, allowed elements per item, items any model
#: may have). Each zone, data item and attacker is drawn, listed or searched from on its own in every report:
#: 20,000 empty zones on the dense random model took 100 s for the HTML report and 94 s for a PDF DPIA, 20,000
#: unused data items 54 s for the PDF, 300 attackers (a search each) 11 s to analyze. The generated national
#: model has 196 zones, 12 data items and 3 attackers at any size.
SECTION_BOUNDS: dict[str, tuple[str, int, int]] = {
    "zones": ("zones", 10, 500),
    "data": ("data items", 10, 500),
    "attackers": ("attackers", 200, 50),
    "threats": ("threats", 1, 500),  # a finding each: 300,000 hand-written threats took 24 s and 2.4 GB to analyze
}
#: Lists inside elements, bounded over the whole model in the same terms: each verification and derivation is
#: a step the identity-theft chain search tries. 40,000 verifications on the national model took 21 s to
#: analyze, 10,000 of them 11 s to analyze and 17 s to plan on a busy machine; the generated national model
#: has 157 at 10,000 elements.
NESTED_BOUNDS: dict[str, tuple[str, int, int]] = {
    "verifies": ("verifications", 2, 500),
    "derives": ("derivations", 2, 500),
}


def _per_elements(per: int, floor: int, max_elements: int) -> int:
    """One item per `per` allowed elements, and at least `floor`."""
    return max(floor, max_elements // per)


def section_limit(section: str, max_elements: int) -> int:
    """The most items `section` may hold under --max-elements `max_elements`."""
    _noun, per, floor = SECTION_BOUNDS[section]
    return _per_elements(per, floor, max_elements)


def elements_for_data(names: int, sets: int) -> int:
    """The fewest allowed elements whose data bounds admit `names` data names and `sets` distinct sets."""
    return max(-(-names // DATA_NAMES_PER_ELEMENT), -(-sets * 10 // DATA_SETS_PER_TEN) if sets > MIN_DATA_SETS else 0)


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile input from using unbounded time or memory.

    `max_bytes` and `max_values` hold for YAML (and every file not named .json); a JSON file is read
    under `for_json()`, which puts the JSON bounds in their place.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = 64
    #: Values built per byte of input; only aliases can exceed a small multiple of the file size.
    max_nodes_per_byte: int = 4
    min_node_budget: int = 10_000
    #: Problems listed before the rest are only counted (a file of a million bad zones says so in a few lines).
    max_errors: int = 100
    max_values: int = DEFAULT_MAX_VALUES
    max_json_bytes: int = DEFAULT_MAX_JSON_BYTES
    max_json_values: int = DEFAULT_MAX_JSON_VALUES
    #: Elements of a model, whatever its format; flows may be FLOWS_PER_ELEMENT times as many.
    max_elements: int = DEFAULT_MAX_ELEMENTS

    @property
    def max_flows(self) -> int:
        """Flows of a model: FLOWS_PER_ELEMENT per element allowed."""
        return self.max_elements * _FLOWS_PER_TEN // 10

    @property
    def max_data_names(self) -> int:
        """Data items named by a model's flows and elements: DATA_NAMES_PER_ELEMENT per element allowed."""
        return self.max_elements * DATA_NAMES_PER_ELEMENT

    @property
    def max_data_sets(self) -> int:
        """Distinct sets of data items a model's flows and elements carry, hold or see."""
        return max(MIN_DATA_SETS, self.max_elements * DATA_SETS_PER_TEN // 10)

    @classmethod
    def chosen(
        cls, max_bytes: int | None = None, max_values: int | None = None, max_elements: int | None = None
    ) -> Limits:
        """Limits with a size, a value count and an element count the user chose (None: the defaults); the
        size and value count the same for both formats."""
        limits = cls() if max_elements is None else cls(max_elements=max_elements)
        if max_bytes is not None:
            limits = dataclasses.replace(limits, max_bytes=max_bytes, max_json_bytes=max_bytes)
        if max_values is not None:
            limits = dataclasses.replace(limits, max_values=max_values, max_json_values=max_values)
        return limits

    def for_json(self) -> Limits:
        """These limits as they hold for a JSON file (the same object when they are equal already)."""
        if self.max_bytes == self.max_json_bytes and self.max_values == self.max_json_values:
            return self
        return dataclasses.replace(self, max_bytes=self.max_json_bytes, max_values=self.max_json_values)

    def for_file(self, name: str) -> Limits:
        """The limits that hold for the file `name`: JSON's for a .json file, else these."""
        return self.for_json() if name.lower().endswith(".json") else self


def over_count(data: Any, limits: Limits) -> tuple[str, int, str] | None:
    """(section, index of its first item past the limit, message) if the parsed model has more elements or
    flows than `limits` allow, else None.

    The one rule the loader refuses by and `biotm generate` predicts with.
    """
    if not isinstance(data, dict):
        return None
    elements, flows = data.get("elements"), data.get("flows")
    count = len(elements) if isinstance(elements, list) else 0
    if count > limits.max_elements:
        return "elements", limits.max_elements, (
            f"the model has {count:,} elements, over the limit of {limits.max_elements:,} (a bound on the time "
            f"and memory an audit takes): pass --max-elements {count} if it is really this large"
        )
    count = len(flows) if isinstance(flows, list) else 0
    if count > limits.max_flows:
        need = elements_for(count)
        return "flows", limits.max_flows, (
            f"the model has {count:,} flows, over the limit of {limits.max_flows:,} ({FLOWS_PER_ELEMENT} per "
            f"element of --max-elements {limits.max_elements}): pass --max-elements {need} if it is really this large"
        )
    for section, (noun, per, floor) in SECTION_BOUNDS.items():
        items = data.get(section)
        count = len(items) if isinstance(items, list) else 0
        allowed = _per_elements(per, floor, limits.max_elements)
        if count > allowed:
            return section, allowed, (
                f"the model has {count:,} {noun}, over the limit of {allowed:,} (one per "
                f"{'' if per == 1 else f'{per} '}element{'' if per == 1 else 's'} of --max-elements "
                f"{limits.max_elements}, at least {floor}): each is drawn, listed, searched from or reported on "
                f"its own, so this bounds an audit's time; pass --max-elements {count * per} if it is really this large"
            )
    return _over_nested(elements if isinstance(elements, list) else [], limits)


def _over_nested(elements: list[Any], limits: Limits) -> tuple[str, int, str] | None:
    """(elements, index of the element whose list passes the bound, message) for NESTED_BOUNDS, else None."""
    for field, (noun, per, floor) in NESTED_BOUNDS.items():
        allowed = _per_elements(per, floor, limits.max_elements)
        lists = [e.get(field) if isinstance(e, dict) else None for e in elements]
        counts = [len(items) if isinstance(items, list) else 0 for items in lists]
        total = sum(counts)
        if total <= allowed:
            continue
        running = 0
        for index, count in enumerate(counts):
            running += count
            if running > allowed:
                return "elements", index, (
                    f"the model's elements have {total:,} {noun}, over the limit of {allowed:,} (one per {per} "
                    f"elements of --max-elements {limits.max_elements}, at least {floor}): each is a step the "
                    f"identity-theft chain search tries, so this bounds an audit's time; pass --max-elements "
                    f"{total * per} if it is really this large"
                )
    return None


def elements_note(data: Any, limits: Limits) -> tuple[str | None, str]:
    """What `biotm generate` says of a model over `limits`' element or flow count (None if within it), and the
    `--max-elements N ` flag that lets it in ("" if none is needed)."""
    elements, flows = data.get("elements", []), data.get("flows", [])
    needed = max(len(elements), elements_for(len(flows)))
    if needed <= limits.max_elements:
        return None, ""
    note = (
        f"{len(elements):,} elements and {len(flows):,} flows, over the {limits.max_elements:,} elements (and "
        f"{limits.max_flows:,} flows) biotm analyze reads by default, a bound on an audit's time and memory: "
        f"pass --max-elements {needed} to biotm analyze"
    )
    return note, f"--max-elements {needed} "


def count_values(data: Any) -> int:
    """Values of parsed data as the loaders count them against max_values: scalars, keys, mappings and lists.

    The one definition `biotm generate` uses to predict whether analyze will accept what it writes.
    """
    count = 0
    pending = [data]
    while pending:
        value = pending.pop()
        count += 1
        if isinstance(value, dict):
            count += len(value)
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return count


def over_breadth(model: Model, limits: Limits) -> tuple[str, int, str] | None:
    """(section, index of the item where a bound was passed, message) if `model`'s flows and elements name
    more data, or more distinct sets of data, than `limits` allow, else None.

    On the validated model (its references resolved), before the graph is built: in time linear in the names.
    """
    searched = over_chain_work(model, limits)
    if searched is not None:
        return searched
    names = sum(len(e.holds) for e in model.elements) + sum(len(f.data) for f in model.flows)
    seen: dict[str, set[str]] = {e.id: set(e.holds) for e in model.elements}
    for flow in model.flows:
        seen[flow.source].update(flow.data)
        seen[flow.target].update(flow.data)
    # In this order, so the error stands at the item whose set is the first past the bound.
    candidates = (
        ("elements", [e.holds for e in model.elements]),
        ("flows", [f.data for f in model.flows]),
        ("elements", [seen[e.id] for e in model.elements]),
    )
    bound = limits.max_data_sets
    sets: set[frozenset[str]] = set()
    # A national model's 300k lists are a few dozen distinct ones: each list written alike is counted once.
    lists: set[tuple[str, ...]] = set()
    where: tuple[str, int] | None = None
    for section, entries in candidates:
        for index, items in enumerate(entries):
            if isinstance(items, list):
                written = tuple(items)
                if written in lists:
                    continue  # its set is already counted
                lists.add(written)
            sets.add(frozenset(items))
            if where is None and len(sets) > bound:
                where = (section, index)
    if names > limits.max_data_names:
        what = (f"the model's flows and elements name data items {names:,} times, over the limit of "
                f"{limits.max_data_names:,} ({DATA_NAMES_PER_ELEMENT} per element of --max-elements "
                f"{limits.max_elements}): each name is carried into every finding about its place")
        where = _nth_name(model, limits.max_data_names)
    elif where is not None:
        what = (f"the model's flows and elements carry, hold or see {len(sets):,} different sets of data items, "
                f"over the limit of {limits.max_data_sets:,} ({DATA_SETS_PER_TEN / 10:g} per element of "
                f"--max-elements {limits.max_elements}, at least {MIN_DATA_SETS}): findings about other data are "
                "scored and reported one by one")
    else:
        return None
    return *where, (
        f"{what}, so this bounds an audit's time; pass --max-elements {elements_for_data(names, len(sets))} if the "
        "model is really this broad"
    )


def _nth_name(model: Model, limit: int) -> tuple[str, int]:
    """(section, index) of the element or flow that names the data item past `limit`."""
    names = 0
    for section, entries in (("elements", [e.holds for e in model.elements]), ("flows", [f.data for f in model.flows])):
        for index, named in enumerate(entries):
            names += len(named)
            if names > limit:
                return section, index
    return "elements", 0
