"""`biotm rules`: the rule catalog; and the per-article regulation view used by `analyze --regulation`."""

from __future__ import annotations

import io
import json
from collections import defaultdict

import click
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from biotm.cli.common import write_output
from biotm.regulations import CATALOG, LAWS, law_of, refs
from biotm.report.terminal import SEVERITY_STYLE
from biotm.result import AuditResult, RuleInfo
from biotm.rules import all_rules
from biotm.rules.engine import MANUAL_RULE_INFO, rule_info
from biotm.rules.registry import pack_warnings


def catalog() -> list[RuleInfo]:
    """Every rule biotm knows (built-in and packs), plus the manual-threat pseudo-rule, sorted by id."""
    return sorted([*(rule_info(r) for r in all_rules()), MANUAL_RULE_INFO], key=lambda i: i.id)


def catalog_json() -> str:
    infos = catalog()
    used = {ref for info in infos for ref in info.regulations if ref in CATALOG}
    document = {
        "rules": [info.model_dump(mode="json") for info in infos],
        "regulations": [ref.model_dump(mode="json") for ref in refs(used)],
        "warnings": pack_warnings(),
    }
    return json.dumps(document, indent=2) + "\n"


def catalog_table() -> Table:
    table = Table(title="biotm rules", title_justify="left", show_lines=False)
    for column in ("id", "severity", "categories", "mitigated by", "regulations"):
        table.add_column(column, overflow="fold")
    for info in catalog():
        table.add_row(
            escape(info.id),
            Text(info.default_severity, style=SEVERITY_STYLE[info.default_severity]),
            escape(", ".join(info.categories)),
            escape(", ".join(info.mitigations)),
            escape(", ".join(info.regulations)),
        )
    return table


@click.command("rules")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["terminal", "json"]),
    default="terminal",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
def rules(fmt: str, output: str | None) -> None:
    """List every rule: id, default severity, categories, mitigating controls and regulations."""
    if fmt == "json":
        write_output(catalog_json(), output)
        return
    if output is None:
        Console().print(catalog_table())
        for warning in pack_warnings():
            click.echo(f"warning: {warning}", err=True)
        return
    buffer = io.StringIO()
    Console(file=buffer, width=160, color_system=None).print(catalog_table())
    write_output(buffer.getvalue(), output)


def regulation_view(result: AuditResult, law: str) -> RenderableType:
    """Findings of `result` grouped by the articles of `law` (a key of regulations.LAWS) they touch."""
    by_article: dict[str, list[str]] = defaultdict(list)
    titles = {f.id: f for f in result.findings}
    for finding in result.findings:
        for ref_id in finding.regulations:
            if ref_id in CATALOG and law_of(ref_id) == law:
                by_article[ref_id].append(finding.id)
    parts: list[RenderableType] = [Text(f"\nFindings by article: {LAWS[law]}", style="bold")]
    if not by_article:
        parts.append(Text("No finding touches this law.", style="dim"))
    for article in refs(by_article):
        group = by_article[article.id]
        parts.append(Text(f"\n{law} {article.article}: {article.title} ({len(group)})", style="bold"))
        for finding_id in group:
            finding = titles[finding_id]
            line = Text("  ")
            line.append(f"[{finding.severity}] ", style=SEVERITY_STYLE[finding.severity])
            line.append(finding.title)
            line.append(f"  {finding.rule} @ {' > '.join(finding.places)}", style="dim")
            if finding.status != "open":
                line.append(f"  ({finding.status})", style="italic")
            parts.append(line)
    return Group(*parts)
