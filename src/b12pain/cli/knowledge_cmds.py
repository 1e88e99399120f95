"""`b12pain sources` and `b12pain explain`: the bibliography and any cited entry, for auditing."""

from __future__ import annotations

import json
from typing import Any

import typer

from b12pain.errors import InputError


def register(app: typer.Typer) -> None:
    """Add `sources` and `explain` to the app."""
    app.command("sources")(sources)
    app.command("explain")(explain)


def sources(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the bibliography: every source b12pain cites, with its verification level.

    Levels: P primary text read; P* primary, partly read; S secondary; policy = b12pain's own choice.

    Example: b12pain sources --json
    """
    from b12pain.knowledge import load

    kb = load()
    rows = [source.model_dump() for source in kb.sources.values()]
    if as_json:
        typer.echo(json.dumps({"knowledge_version": kb.version, "sources": rows}, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"b12pain sources (knowledge {kb.version})", show_lines=False)
    for column in ("id", "level", "organisation", "year", "title"):
        table.add_column(column, overflow="fold")
    from b12pain.textsafe import for_terminal

    for row in rows:  # titles may hold brackets ("[Internet]"): shown as text, not markup
        cells = (row["id"], row["level"], row["organisation"], row["year"] or "", row["title"])
        table.add_row(*(for_terminal(cell) for cell in cells))
    Console().print(table)


def explain(
    entry_id: str = typer.Argument(
        "", metavar="ID", help="An entry id (e.g. threshold.total_b12.ng_l) or a source id."
    ),
    list_kind: str = typer.Option(
        None, "--list", help="List the ids of one kind (or 'all' for every kind)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show any knowledge entry (a threshold, regimen, red flag …) with its citations.

    Example: b12pain explain threshold.total_b12.ng_l
    """
    from b12pain.knowledge import load

    kb = load()
    if list_kind:
        _list_ids(kb, list_kind, as_json)
        return
    if not entry_id:
        raise InputError.single("ID", None, "give an entry id, or --list KIND (see --list all)")
    if entry_id in kb.sources:
        payload: dict[str, Any] = {"source": kb.sources[entry_id].model_dump()}
        payload["cited_by"] = sorted(
            e.id for e in kb if any(c.source == entry_id for c in e.citations)
        )
    elif entry_id in kb.entries:
        entry = kb.entries[entry_id]
        payload = {"entry": entry.model_dump(mode="json", exclude={"sources"})}
        payload["sources"] = [
            {**c.model_dump(), "title": kb.sources[c.source].title, "url": kb.sources[c.source].url}
            for c in entry.citations
        ]
    else:
        close = sorted(i for i in kb.entries if entry_id.lower() in i.lower())[:10]
        hint = (
            f"; did you mean: {', '.join(close)}" if close else "; see `b12pain explain --list all`"
        )
        raise InputError.single("ID", entry_id, f"no knowledge entry or source with this id{hint}")
    if as_json:
        typer.echo(json.dumps(payload, indent=2, default=str))
        return
    _print_explained(payload)


def _list_ids(kb: Any, kind: str, as_json: bool) -> None:
    kinds = kb.kinds() if kind == "all" else [kind]
    if kind != "all" and kind not in kb.kinds():
        raise InputError.single("--list", kind, f"one of all, {', '.join(kb.kinds())}")
    listing = {k: [e.id for e in kb.of_kind(k)] for k in kinds}
    if as_json:
        typer.echo(json.dumps(listing, indent=2))
        return
    for name, ids in listing.items():
        typer.echo(f"{name} ({len(ids)}):")
        for entry_id in ids:
            typer.echo(f"  {entry_id}")


def _print_explained(payload: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel

    console = Console()
    if "source" in payload:
        source = payload["source"]
        body = f"{source['title']}\n{source['organisation']} {source['year'] or ''}\n"
        body += f"{source['url'] or ''}\nlevel: {source['level']}"
        console.print(Panel(body, title=source["id"]))
        console.print("cited by: " + ", ".join(payload["cited_by"]))
        return
    entry = payload["entry"]
    hidden = {"id", "title", "citations", "kind"}
    details = {k: v for k, v in entry.items() if k not in hidden and v not in (None, False, [], "")}
    heading = f"[bold]{escape(entry['title'])}[/bold]\nkind: {entry['kind']}"
    console.print(Panel(heading, title=entry["id"]))
    for line in _detail_lines(details):
        console.print(escape(line))
    console.print("[bold]Sources[/bold]")
    for c in payload["sources"]:
        section = f" §{c['section']}" if c["section"] else ""
        console.print(escape(f"  • {c['source']}{section} [{c['level']}] — {c['title']}"))


def _detail_lines(details: dict[str, Any], indent: str = "") -> list[str]:
    """An entry's fields as `name: value` lines a person can read (no Python reprs)."""
    lines: list[str] = []
    for key, value in details.items():
        name = f"{indent}{str(key).replace('_', ' ')}"
        if key == "unverified" and value is True:
            lines.append(f"{indent}UNVERIFIED: not checked against its source; never drives advice")
        elif isinstance(value, dict):
            lines.append(f"{name}:")
            lines += _detail_lines(value, indent + "  ")
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            lines.append(f"{name}:")
            for item in value:
                if isinstance(item, dict):
                    sub = _detail_lines(item, indent + "    ")
                    lines += [f"{indent}  - {sub[0].strip()}", *sub[1:]] if sub else []
                else:
                    lines.append(f"{indent}  - {_shown(item)}")
        else:
            lines.append(f"{name}: {_shown(value)}")
    return lines


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value)
    return "—" if value is None else str(value)
