"""`reftrack log` and `reftrack undo`: what changed, and taking it back."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from reftrack.cli import common
from reftrack.cli.common import FormatOption, OutputFormat, YesOption

LOG_COLUMNS = ["id", "at", "owner", "command", "rows", "undone_at", "undone_by", "changes"]
RECORD_HELP = (
    "A record: advocate:3, ask:5, referral:12, followup:7, note:4, target:2 "
    "(or an advocate's name)."
)
TABLES = {
    "advocate": "advocate",
    "ask": "ask",
    "referral": "referral",
    "followup": "follow_up",
    "follow_up": "follow_up",
    "score": "nps_score",
    "event": "advocate_event",
    "note": "note",
    "target": "target",
}


def _record(session: Any, text: str) -> tuple[str, int]:
    """``referral:12`` (or ``referral#12``) → (table, id); a name → its advocate."""
    import re

    from reftrack.errors import InvalidInputError
    from reftrack.services import lookup

    match = re.fullmatch(r"\s*([a-z_]+)\s*[:# ]\s*#?(\d+)\s*", text.lower())
    if match and match.group(1) in TABLES:
        return TABLES[match.group(1)], int(match.group(2))
    if match:
        kinds = ", ".join(sorted(set(TABLES) - {"follow_up"}))
        raise InvalidInputError(f"{match.group(1)!r} is not a kind of record; use one of {kinds}")
    return "advocate", int(lookup.advocate(session, text).id or 0)


def _row(logged: Any) -> dict[str, Any]:
    from reftrack.records import json_value

    return {
        "id": logged.id,
        "at": json_value(logged.at.replace(microsecond=0)),
        "owner": logged.owner,
        "command": logged.command,
        "rows": logged.rows,
        "undone_at": json_value(logged.undone_at.replace(microsecond=0))
        if logged.undone_at
        else None,
        "undone_by": logged.undone_by,
        "changes": logged.changes,
    }


def log(
    record: Annotated[str | None, typer.Argument(help=RECORD_HELP, show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many entries.")] = 20,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """What changed, newest first: each command that wrote, when, by whom, how many rows.

    With RECORD, that record's history: each change to it and what it changed.

    Examples: reftrack log ; reftrack log referral:12 ; reftrack log --format json
    """
    from reftrack import render
    from reftrack.journal import history

    with common.read_session() as session:
        target = _record(session, record) if record else None
        connection = session.connection()
        if target is None:
            entries = history.latest(connection, limit=limit)
        else:
            entries = history.of_record(connection, *target, limit=limit)
    rows = [_row(e) for e in entries]
    if fmt is OutputFormat.json:
        render.write_object(rows)  # "changes" is a list: JSON keeps its shape
        return
    if fmt is OutputFormat.csv:
        flat = [{**row, "changes": "; ".join(_said(c) for c in row["changes"])} for row in rows]
        render.emit(flat, LOG_COLUMNS, fmt.value)
        return
    if not rows:
        render.message("the journal is empty: nothing has been changed yet")
        return
    table_rows = []
    for row in rows:
        changed = "; ".join(_said(change) for change in row["changes"])
        undone = f"undone {row['undone_at'][:16]}" if row["undone_at"] else ""
        table_rows.append(
            {
                "id": row["id"],
                "at": row["at"].replace("T", " ")[:16],
                "owner": row["owner"],
                "command": row["command"],
                "rows": row["rows"],
                "changed": changed,
                "undone": undone,
            }
        )
    columns = [("id", "#"), ("at", "when"), ("command", "command"), ("rows", "rows")]
    if target is not None:
        columns.append(("changed", "what changed"))
    columns.append(("undone", "undone"))
    render.print_table(table_rows, columns)


def _said(change: dict[str, Any]) -> str:
    if change["op"] != "update":
        return {"insert": "added", "delete": "deleted"}.get(change["op"], change["op"])
    return ", ".join(f"{k} {old} → {new}" for k, (old, new) in change["changed"].items())


def undo(
    entry: Annotated[
        int | None, typer.Argument(help="A journal entry's id (see `reftrack log`).")
    ] = None,
    last: Annotated[
        int | None, typer.Option("--last", min=1, help="Your last N entries, newest first.")
    ] = None,
    yes: YesOption = False,
) -> None:
    """Reverse your latest change, your last N (--last N), or one entry by its id.

    Refused, naming it, when a later change touched the same records. On a team database
    only your own entries are yours to undo.

    Examples: reftrack undo --yes ; reftrack undo --last 3 --yes ; reftrack undo 41 --yes
    """
    from reftrack import render
    from reftrack.errors import InvalidInputError
    from reftrack.journal import undo as undoing
    from reftrack.journal.record import command_line

    if entry is not None and last is not None:
        raise InvalidInputError("give an entry id or --last N, not both")
    owner = common.user() if common.database().shared else None
    with common.write_session(journal=False) as session:
        connection = session.connection()
        if entry is not None:
            entries = [undoing.entry(connection, entry)]
            if owner is not None and entries[0].owner != owner:
                raise InvalidInputError(
                    f"entry #{entry} is {entries[0].owner}'s, not yours; only they can undo it"
                )
        else:
            entries = undoing.latest(connection, last or 1, owner)
            if not entries:
                raise InvalidInputError("there is nothing to undo: the journal has no entry")
        plan = undoing.check(connection, entries)
        listed = "; ".join(f"#{e.id} {e.command} ({undoing.describe(plan[e.id])})" for e in entries)
        common.confirm(f"undo {listed}", yes=yes)
        undoing.reverse(connection, entries, plan, command_line(common.state.argv))
    for item in entries:
        render.message(f"undone #{item.id}: {item.command} ({undoing.describe(plan[item.id])})")


def register(app: typer.Typer) -> None:
    app.command("log")(log)
    app.command("undo")(undo)
