"""`reftrack target …`: the people you want to meet, and the advocates who know them."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from reftrack.cli import common, completion
from reftrack.cli.common import FormatOption, OnOption, OutputFormat

app = typer.Typer(
    help="Targets: people you want to meet, with the advocates who know them.",
    no_args_is_help=True,
)

TargetArg = Annotated[
    str, typer.Argument(help="Name (or part of it) or id.", autocompletion=completion.targets)
]
ViaOption = Annotated[
    list[str] | None,
    typer.Option(
        "--via",
        help="An advocate who knows them (name or id); repeat for more.",
        autocompletion=completion.advocates,
        show_default=False,
    ),
]
TARGET_LIST_TABLE = [
    ("id", "id"),
    ("name", "name"),
    ("company", "company"),
    ("title", "title"),
    ("via", "known via"),
    ("state", "state"),
]


def _list_row(view: Any) -> dict[str, Any]:
    from reftrack.outreach_rows import target_row

    row = target_row(view.target)
    row["via"] = "; ".join(a.name for a in view.via) or None
    row["state"] = view.state
    return row


def _columns() -> list[str]:
    from reftrack.records import TARGET_COLUMNS

    return [*TARGET_COLUMNS, "via", "state"]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The person's full name.")],
    company: Annotated[str | None, typer.Option("--company", help="Where they work.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Their position.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="Their profile (LinkedIn).")] = None,
    via: ViaOption = None,
    note: Annotated[str | None, typer.Option("--note", help="Why you want to meet them.")] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Add a person you want to meet, with the advocates who know them (your research on
    LinkedIn: who does my customer know?). `next` names them beside those advocates.

    Example: reftrack target add "Jan Pieters" --company Omega --title CFO --via anna
    """
    from reftrack import render
    from reftrack.services import lookup, targets

    with common.write_session() as session:
        who = [lookup.advocate(session, ref) for ref in via or []]
        target = targets.add_target(
            session, name=name, via=who, company=company, title=title, url=url, notes=note
        )
        row = _list_row(targets.view(session, target))
    if fmt is OutputFormat.table:
        known = f", known via {row['via']}" if row["via"] else ""
        hint = "" if row["via"] else " (add --via ADVOCATE: who knows them?)"
        render.message(f"target #{target.id}: {targets.label(target)}{known}{hint}")
    else:
        render.emit([row], _columns(), fmt.value)


@app.command("list")
def list_(
    open_: Annotated[bool, typer.Option("--open", help="Only the ones still to meet.")] = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List targets by name, with who knows them and whether they were reached.

    Example: reftrack target list --open --format csv
    """
    from reftrack import render
    from reftrack.services import targets

    with common.read_session(common.scope()) as session:
        rows = [_list_row(v) for v in targets.list_targets(session, open_only=open_)]
    render.emit(
        rows,
        _columns(),
        fmt.value,
        table_columns=TARGET_LIST_TABLE,
        empty='no targets; add one: reftrack target add "Jan Pieters" --via anna',
    )


@app.command("show")
def show(target: TargetArg, fmt: FormatOption = OutputFormat.table) -> None:
    """Show a target: who knows them, the asks that named them, the referral that reached them.

    Example: reftrack target show "Jan Pieters"
    """
    from reftrack import render
    from reftrack.records import ask_row
    from reftrack.services import lookup, targets

    with common.read_session() as session:
        view = targets.view(session, lookup.target(session, target))
        row = _list_row(view)
        asks = [ask_row(a, name) for a, name in view.asks]
    if fmt is not OutputFormat.table:
        render.write_object({"target": row, "asks": asks})
        return
    found = view.target
    render.write_line(f"#{found.id} {found.name} ({view.state})")
    reached = f"referral #{found.referral_id} on {found.closed_on}" if found.closed_on else None
    render.details(
        [
            ("company", found.company),
            ("title", found.title),
            ("url", found.url),
            ("known via", row["via"] or "nobody yet (target add … --via ADVOCATE)"),
            ("reached", reached),
            ("dropped", found.dropped_on),
            ("notes", found.notes),
        ]
    )
    render.write("\n")
    columns = [
        ("id", "id"),
        ("asked_on", "asked"),
        ("advocate", "advocate"),
        ("outcome", "outcome"),
    ]
    render.print_table(asks, columns, title="Asks", empty="Asks: none")


@app.command("drop")
def drop(target: TargetArg, on: OnOption = None) -> None:
    """Stop pursuing a target (kept, shown as dropped; `undo` takes it back).

    Example: reftrack target drop "Jan Pieters"
    """
    from reftrack import render
    from reftrack.services import lookup, targets

    with common.write_session() as session:
        found = targets.drop(session, target=lookup.target(session, target), on=common.when(on))
    render.message(f"target #{found.id} {targets.label(found)} dropped on {found.dropped_on}")
