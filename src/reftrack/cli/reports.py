"""`reftrack due`: what to do today, for a person at the terminal and for cron."""

from __future__ import annotations

from typing import Annotated

import typer

from reftrack.cli import common
from reftrack.cli.common import EveryoneOption, FormatOption, OutputFormat, OwnerOption

DUE_TABLE = [
    ("id", "id"),
    ("when", "when"),
    ("action", "what to do"),
    ("note", "note"),
]


def due(
    within: Annotated[
        str | None,
        typer.Option("--within", help="Also what falls due in this window: 7d, 2w, 1m."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Pretend today is this date.")
    ] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 3 when something is overdue.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing at all when nothing is due.")
    ] = False,
    owner: OwnerOption = None,
    everyone: EveryoneOption = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """What is due: overdue and today's follow-ups, each said as the action to take.

    For cron, mail only on days with work:

      0 8 * * 1-5  reftrack due --quiet

    Example: reftrack due --within 7d
    """
    from reftrack import dates, render
    from reftrack.errors import ExitCode
    from reftrack.records import FOLLOWUP_COLUMNS, followup_row
    from reftrack.services.due import due_items

    as_of_date = common.when(as_of, what="--as-of")
    until = as_of_date
    if within is not None:
        until = dates.after(as_of_date, within, what="--within")
    items = common.read(
        lambda reader: due_items(reader, as_of=as_of_date, until=until),
        scope_owner=common.scope(owner, everyone),
    )
    overdue = sum(1 for item in items if item.overdue)
    if items or not quiet:
        if fmt is OutputFormat.table:
            rows = [
                {
                    "id": item.view.follow_up.id,
                    "when": _when(item.days_late),
                    "action": item.action,
                    "note": item.view.follow_up.note
                    if item.view.follow_up.kind == "custom"
                    else None,
                    "overdue": item.overdue,
                }
                for item in items
            ]
            title = f"Due {as_of_date}: {len(items)} to do, {overdue} overdue" if items else None
            render.emit(
                rows,
                [],
                "table",
                table_columns=DUE_TABLE,
                title=title,
                empty=f"nothing due as of {as_of_date}",
                highlight="overdue",
            )
            if items and render.stdout_is_terminal():
                render.message("mark one done: reftrack followup done ID")
        else:
            rows = [
                {
                    **followup_row(i.view.follow_up, i.view.advocate_name, i.view.prospect),
                    "action": i.action,
                    "days_late": i.days_late,
                }
                for i in items
            ]
            render.emit(rows, [*FOLLOWUP_COLUMNS, "action", "days_late"], fmt.value)
    if exit_code and overdue:
        raise typer.Exit(ExitCode.OVERDUE)


def _when(days_late: int) -> str:
    if days_late > 0:
        return f"{days_late}d late"
    if days_late == 0:
        return "today"
    return f"in {-days_late}d"


def register(app: typer.Typer) -> None:
    app.command("due")(due)
