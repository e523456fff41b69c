"""Threagile communication links as biotm flows, and what needs every element and flow at once."""

from __future__ import annotations

import re
from typing import Any

from biotm.interop.common import (
    as_list,
    as_mapping,
    slug,
    text_of,
)
from biotm.interop.threagile.assets import AssetMapping, _plain

#: Threagile's own `Protocol.IsEncrypted()`: these plus every `*-encrypted` protocol.
_ENCRYPTED_PROTOCOLS = {"https", "wss", "ssh", "ssh-tunnel", "sftp", "ftps", "scp", "ldaps"}
_AUTHENTICATION = {
    "none": "none",
    "credentials": "one-way",
    "session-id": "one-way",
    "token": "one-way",
    "two-factor": "one-way",
    "externalized": "one-way",
    "client-certificate": "mutual",
}


class LinkMapping(AssetMapping):
    """Links (with a response flow for received data), ip filtering, shared runtimes, the header of losses."""

    def links(self) -> None:
        for title, raw in self.section("technical_assets").items():
            asset = self.entry("technical_assets", title, raw)
            source, path = self.origin("technical_assets", title)
            key = text_of(asset.get("id")) or title
            links = as_mapping(
                asset.get("communication_links"), source, (*path, "communication_links"), "communication_links"
            )
            for link_title, link_raw in links.items():
                link_path = (*path, "communication_links", link_title)
                link = as_mapping(link_raw, source, link_path, f"link '{link_title}'")
                target_key = text_of(link.get("target"))
                src, tgt = self.asset_ids[key], self.asset_ids.get(target_key)
                if tgt is None or tgt == src:
                    why = f"unknown target '{target_key}'" if tgt is None else "it loops on its source"
                    self.draft.header.append(f"link '{link_title}' of '{key}' dropped: {why}")
                    continue
                threagile_id = f"{key}>{re.sub(r'[^a-z0-9]+', '-', link_title.lower()).strip('-')}"
                flow_id = self.draft.unique_id("place", f"{src}.{slug(link_title)}", f"{src}-to-{tgt}")
                self.link_ids[threagile_id] = flow_id
                sent = self._data(link.get("data_assets_sent"))
                received = self._data(link.get("data_assets_received"))
                flow = self._flow(flow_id, link_title, link, src, tgt, sent)
                index = self.draft.add("flows", flow, link_path, source)
                self.filtered.setdefault(tgt, []).append(link.get("ip_filtered") is True)
                self._losses(link, ("flows", index), "communication links")
                if link.get("readonly") is True:
                    self.draft.note(("flows", index), "read-only in Threagile: the source only reads from the target")
                if link.get("ip_filtered") is True:
                    self.draft.note(("flows", index), "ip_filtered in Threagile")
                authorization = text_of(link.get("authorization")).replace("enduser-", "end-user-")
                if authorization not in ("", "none"):
                    self.draft.note(("flows", index), f"Threagile authorization: {authorization}")
                if received:
                    reply_id = self.draft.unique_id("place", flow_id, "flow", suffix=".response")
                    reply = self._flow(reply_id, f"{link_title} (response)", link, tgt, src, received)
                    r_index = self.draft.add("flows", reply, link_path, source)
                    self.draft.note(("flows", r_index), f"data_assets_received of the Threagile link '{link_title}'")

    def finish(self) -> None:
        """What needs every element and flow: processed data, ip filtering, and the header of losses."""
        self.draft.hold_processed(self.processed, "Threagile", "data_assets_processed")
        for index, element in enumerate(self.draft.sections["elements"]):
            element_id = element["id"]
            inbound = self.filtered.get(element_id, [])
            if inbound and all(inbound) and "network-isolation" not in element.get("controls", []):
                element["controls"] = [*element.get("controls", []), "network-isolation"]
                self.draft.note(("elements", index, "controls"), "every Threagile link into it is ip_filtered")
        for section in ("abuse_cases", "security_requirements", "questions"):
            entries = self.m.get(section)
            if isinstance(entries, dict) and entries:
                self.dropped[f"{section.replace('_', ' ')} (no biotm equivalent)"] += len(entries)
        for what, count in sorted(self.dropped.items()):
            self.draft.header.append(f"not mapped to a biotm field: {count} {what}")

    def _flow(
        self, flow_id: str, title: str, link: dict[str, Any], src: str, tgt: str, data: list[str]
    ) -> dict[str, Any]:
        flow: dict[str, Any] = {"id": flow_id, "name": _plain(title)}
        description = _plain(link.get("description"))
        if description:
            flow["description"] = description
        flow.update({"source": src, "target": tgt, "data": data})
        protocol = text_of(link.get("protocol"))
        if protocol:
            flow["protocol"] = protocol
        encrypted = protocol in _ENCRYPTED_PROTOCOLS or protocol.endswith("-encrypted") or link.get("vpn") is True
        flow["encrypted"] = encrypted
        flow["authentication"] = _AUTHENTICATION.get(text_of(link.get("authentication")), "none")
        return flow

    def shared_runtimes(self) -> None:
        for title, raw in self.section("shared_runtimes").items():
            runtime = self.entry("shared_runtimes", title, raw)
            running = [text_of(a) for a in as_list(runtime.get("technical_assets_running"))]
            names = ", ".join(self.asset_ids.get(a, a) for a in running)
            for asset in running:
                if asset in self.element_index:
                    self.draft.note(
                        ("elements", self.element_index[asset]),
                        f"shares the runtime '{_plain(title)}' with: {names} (no biotm equivalent)",
                    )
