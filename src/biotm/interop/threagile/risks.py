"""Threagile individual risks and risk tracking as biotm threats and acceptances."""

from __future__ import annotations

import datetime as dt
from typing import Any

from biotm.interop.common import (
    as_mapping,
    slug,
    text_of,
)
from biotm.interop.threagile.assets import _plain
from biotm.interop.threagile.includes import Origin
from biotm.interop.threagile.links import LinkMapping

_SEVERITY = {"low": "low", "medium": "medium", "elevated": "high", "high": "high", "critical": "critical"}
ACCEPTANCE_DAYS = 365


class RiskMapping(LinkMapping):
    """Risks name their place by a Threagile asset, link, data asset or boundary id."""

    def _place(self, parts: list[str]) -> str | None:
        for part in parts:
            if part in self.asset_ids:
                return self.asset_ids[part]
            if part in self.link_ids:
                return self.link_ids[part]
            if part in self.data_ids:
                return self.data_ids[part]
            if part in self.zone_ids:
                return self.zone_ids[part]
        return None

    def custom_risks(self) -> None:
        categories: list[tuple[str, dict[str, Any], Origin]] = []
        for title, raw in self.section("individual_risk_categories").items():
            categories.append(
                (
                    title,
                    self.entry("individual_risk_categories", title, raw),
                    self.origin("individual_risk_categories", title),
                )
            )
        custom = self.m.get("custom_risk_categories")
        if isinstance(custom, dict):
            for title, raw in custom.items():
                categories.append(
                    (
                        title,
                        self.entry("custom_risk_categories", title, raw),
                        self.origin("custom_risk_categories", title),
                    )
                )
        elif isinstance(custom, list):
            for index, raw in enumerate(custom):
                source, path = self.origins.get(
                    ("custom_risk_categories", str(index)), (self.draft.source, ("custom_risk_categories",))
                )
                entry = as_mapping(raw, source, path, "custom risk category")
                categories.append((text_of(entry.get("title")) or text_of(entry.get("id")), entry, (source, path)))
        for title, category, (source, path) in categories:
            rule = text_of(category.get("id")) or slug(title)
            risks = as_mapping(
                category.get("risks_identified"), source, (*path, "risks_identified"), "risks_identified"
            )
            for risk_title, risk_raw in risks.items():
                risk_path = (*path, "risks_identified", risk_title)
                risk = as_mapping(risk_raw, source, risk_path, f"risk '{risk_title}'")
                parts = [
                    text_of(risk.get(k))
                    for k in (
                        "most_relevant_technical_asset",
                        "most_relevant_communication_link",
                        "most_relevant_data_asset",
                        "most_relevant_trust_boundary",
                    )
                ]
                place = self._place([p for p in parts if p])
                if place is None:
                    self.draft.header.append(f"risk '{_plain(risk_title)}' not carried over: it names no known asset")
                    continue
                severity = text_of(risk.get("severity"))
                threat: dict[str, Any] = {
                    "id": self.draft.unique_id("threat", f"{rule}-{place}", rule),
                    "title": _plain(risk_title) or _plain(title),
                    "place": place,
                    "severity": _SEVERITY.get(severity, "medium"),
                    "status": "open",
                    "categories": [c for c in (text_of(category.get("stride")), f"threagile:{rule}") if c],
                }
                mitigation = _plain(category.get("mitigation"))
                if mitigation:
                    threat["mitigation"] = mitigation
                threat["source"] = "threagile"
                index = self.draft.add("threats", threat, risk_path, source)
                if severity == "elevated":
                    self.draft.note(("threats", index, "severity"), "Threagile severity 'elevated'")

    def risk_tracking(self) -> None:
        for risk_id, raw in self.section("risk_tracking").items():
            tracking = self.entry("risk_tracking", risk_id, raw)
            source, path = self.origin("risk_tracking", risk_id)
            parts = risk_id.split("@")
            rule = parts[0]
            concrete = [p for p in parts[1:] if p and p != "*"]
            place = self._place(concrete)
            status = text_of(tracking.get("status"))
            justification = _plain(tracking.get("justification")) or f"Threagile risk tracking: {status}"
            ticket = text_of(tracking.get("ticket"))
            if ticket:
                justification += f" (ticket {ticket})"
            if place is None or status not in ("accepted", "mitigated", "false-positive"):
                why = "it names no single element (wildcards)" if place is None else f"status '{status}'"
                self.draft.header.append(f"risk tracking '{risk_id}' ({status}) kept only here: {why}")
                continue
            if status == "accepted":
                checked = tracking.get("date")
                day = checked if isinstance(checked, dt.date) else None
                start = day or dt.date(2000, 1, 1)
                # a check date in year 9999 has no date a year later: keep the last representable day
                expires = start + dt.timedelta(days=min(ACCEPTANCE_DAYS, (dt.date.max - start).days))
                entry = {
                    "rule": f"threagile:{rule}",
                    "place": place,
                    "justification": justification,
                    "owner": text_of(tracking.get("checked_by")) or "unknown",
                    "expires": expires.isoformat(),
                }
                index = self.draft.add("accepted", entry, path, source)
                self.draft.note(
                    ("accepted", index, "expires"),
                    f"Threagile records no expiry: one year after the check date {day or 'unknown'}",
                )
                if not text_of(tracking.get("checked_by")):
                    self.draft.note(("accepted", index, "owner"), "no checked_by in Threagile: set who accepted it")
                continue
            threat = {
                "id": self.draft.unique_id("threat", f"{rule}-{place}", rule),
                "title": f"Threagile risk {rule}",
                "description": justification,
                "place": place,
                "status": "mitigated" if status == "mitigated" else "accepted",
                "categories": [f"threagile:{rule}"],
                "source": "threagile",
            }
            index = self.draft.add("threats", threat, path, source)
            if status == "false-positive":
                self.draft.note(("threats", index, "status"), "false positive in Threagile")
