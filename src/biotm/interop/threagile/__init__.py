"""Import Threagile YAML models (the released v0.9.x dialect and the 1.0 one, with `includes:`).

Threagile keys its maps by title and keeps links inside their source asset; values are often null.
How each part maps (docs/interop.md, "Threagile"):

* data assets -> data items; `quantity` -> `subjects` (very-few 10, few 1,000, many 100,000,
  very-many 10,000,000); confidentiality `public` -> `public: true`; the category is guessed from
  the title and tags.
* trust boundaries -> zones, `trust_boundaries_nested` -> `parent`; assets inside no boundary
  share the zone "outside". A zone is internet-facing when an asset in it has `internet: true`.
* technical assets -> elements: datastore -> store, clients (browser, desktop, mobile app, IoT) ->
  device, other external entities -> external, the rest -> process; out-of-scope ones -> external.
  `encryption` other than none -> control encryption-at-rest; `data_assets_stored` -> `holds`.
* communication links -> flows (`data_assets_sent`), plus a response flow when data is received.
* `risk_tracking` with status accepted -> `accepted` entries (expiring one year after the tracking
  date); mitigated / false-positive -> `threats` with that status. Individual (custom) risks ->
  `threats`. Wildcard entries that name no single element stay as comments.

Includes are resolved relative to the including file and must stay inside the directory tree of
the main model file; absolute paths, `..` escapes and cycles are refused with a located error.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

from biotm.interop.common import Draft
from biotm.interop.threagile.includes import MAX_INCLUDE_NAME, MAX_INCLUDED_FILES, Merger
from biotm.interop.threagile.risks import RiskMapping
from biotm.model.parse import Limits
from biotm.model.source import SourceMap

__all__ = ["MAX_INCLUDED_FILES", "MAX_INCLUDE_NAME", "convert", "detect"]


def detect(data: dict[str, Any]) -> bool:
    return "threagile_version" in data or "technical_assets" in data or "data_assets" in data


class _Converter(RiskMapping):
    """A whole Threagile model, its parts in the order they refer to each other."""

    def run(self) -> None:
        self.meta()
        self.data_assets()
        self.zones()
        self.technical_assets()
        self.links()
        self.finish()
        self.shared_runtimes()
        self.custom_risks()
        self.risk_tracking()


def convert(data: Any, source: SourceMap, limits: Limits) -> Draft:
    """A biotm draft from a parsed Threagile model, resolving its `includes:`."""
    merger = Merger(source, limits)
    merger.add(data, source, (FsPath(source.file).resolve(),))
    draft = Draft(source)
    converter = _Converter(merger, draft)
    converter.run()
    if draft.sections["elements"] and not draft.sections["zones"]:
        converter._outside()
    return draft
