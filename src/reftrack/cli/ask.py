"""`reftrack ask …`: requests for referrals."""

from __future__ import annotations

from typing import Annotated

import typer

from reftrack.cli import common, deleting, editing
from reftrack.cli.common import (
    EveryoneOption,
    FormatOption,
    OnOption,
    OutputFormat,
    OwnerOption,
)
from reftrack.enums import Alternative, Channel, Outcome

app = typer.Typer(
    help="Asks: requests for referrals, one advocate at a time.", no_args_is_help=True
)

ASK_TABLE = [
    ("id", "id"),
    ("asked_on", "asked"),
    ("advocate", "advocate"),
    ("channel", "channel"),
    ("target", "target"),
    ("outcome", "outcome"),
    ("forced", "forced"),
]


@app.command("add")
def add(
    advocate: Annotated[str, typer.Argument(help="Who you asked: name or id.")],
    channel: Annotated[
        Channel, typer.Option("--channel", help="How you asked.")
    ] = Channel.in_person,
    target: Annotated[
        str | None, typer.Option("--target", help="Who or what you asked for, specifically.")
    ] = None,
    on: OnOption = None,
    note: Annotated[str | None, typer.Option("--note", help="Free notes.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Ask even when a timing rule says not to (recorded).")
    ] = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Log an ask; reftrack schedules a check-back in 7 days and a circle-back in 75.

    Refused (with the reason and the date it becomes fine) when the advocate was asked in
    the last 60 days, scores below 5, became a customer in the last 30 days or complained
    in the last 30 days; --force overrides.

    Example: reftrack ask add anna --channel phone --target "the CFO of Gamma B.V."
    """
    from reftrack import render
    from reftrack.records import ASK_COLUMNS, ask_row
    from reftrack.services import asks, lookup

    with common.write_session() as session:
        who = lookup.advocate(session, advocate)
        ask = asks.add_ask(
            session,
            advocate=who,
            on=common.when(on),
            settings=common.settings(),
            channel=channel,
            target=target,
            notes=note,
            force=force,
        )
    if fmt is OutputFormat.table:
        forced = " (forced)" if ask.forced else ""
        render.message(f"ask #{ask.id}: {who.name} on {ask.asked_on} by {ask.channel}{forced}")
    else:
        render.emit([ask_row(ask, who.name)], ASK_COLUMNS, fmt.value)


@app.command("list")
def list_(
    pending: Annotated[bool, typer.Option("--pending", help="Only asks still pending.")] = False,
    advocate: Annotated[
        str | None, typer.Option("--advocate", help="Only this advocate's.")
    ] = None,
    owner: OwnerOption = None,
    everyone: EveryoneOption = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List asks, newest first.

    Example: reftrack ask list --pending
    """
    from reftrack import render
    from reftrack.records import ASK_COLUMNS, ask_row
    from reftrack.services import asks, lookup

    with common.read_session(common.scope(owner, everyone)) as session:
        who = lookup.advocate(session, advocate) if advocate else None
        rows = [
            ask_row(a, name)
            for a, name in asks.list_asks(session, pending_only=pending, advocate=who)
        ]
    render.emit(rows, ASK_COLUMNS, fmt.value, table_columns=ASK_TABLE, empty="no asks match")


@app.command("outcome")
def outcome(
    ask: Annotated[str, typer.Argument(help="Ask id, or an advocate's name for their latest ask.")],
    result: Annotated[Outcome, typer.Argument(help="What came of it.", metavar="OUTCOME")],
    alternative: Annotated[
        Alternative | None,
        typer.Option("--alternative", help="With outcome alternative: what they gave instead."),
    ] = None,
    on: OnOption = None,
) -> None:
    """Record how an ask ended; its pending check-back closes itself.

    Example: reftrack ask outcome 12 alternative --alternative testimonial
    """
    from reftrack import render
    from reftrack.services import asks, lookup

    with common.write_session() as session:
        found = lookup.ask(session, ask)
        asks.set_outcome(
            session, ask=found, outcome=result, alternative=alternative, on=common.when(on)
        )
    extra = f" ({found.alternative})" if found.alternative else ""
    render.message(f"ask #{found.id}: {found.outcome}{extra}")


app.command("edit")(editing.ask_edit)
deleting.register(app, "ask")
