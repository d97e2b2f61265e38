"""`reftrack ask …`: requests for referrals."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from reftrack.cli import common, completion, deleting, editing, scripting
from reftrack.cli.common import (
    BackfillOption,
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
    advocate: Annotated[
        str, typer.Argument(help="Who you asked: name or id.", autocompletion=completion.advocates)
    ],
    channel: Annotated[
        Channel | None,
        typer.Option("--channel", help="How you asked (default in_person; event with --event)."),
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target", help="Who or what you asked for, specifically.")
    ] = None,
    for_: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="The person you asked to meet: a target (name or id, see `target list`).",
            autocompletion=completion.targets,
        ),
    ] = None,
    event: Annotated[
        str | None,
        typer.Option(
            "--event", help='An invitation to an event, with its date: "Golf day 2026-05-14".'
        ),
    ] = None,
    event_on: Annotated[
        str | None, typer.Option("--event-on", help="The event's date, if --event has none.")
    ] = None,
    bring: Annotated[
        bool, typer.Option("--bring", help="With --event: you asked them to bring someone.")
    ] = False,
    on: OnOption = None,
    note: Annotated[str | None, typer.Option("--note", help="Free notes.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Ask even when a timing rule says not to (recorded).")
    ] = False,
    backfill: BackfillOption = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Log an ask; reftrack schedules a check-back in 7 days and a circle-back in 75.

    Refused (with the reason and the date it becomes fine) when the advocate was asked in
    the last 60 days, scores below 5, became a customer in the last 30 days or complained
    in the last 30 days; --force overrides.

    --for names a target (a person you want to meet): a referral of them reaches it.
    --event invites them to an event (--bring: with a plus-one); the day after it, a
    follow-up asks whom they brought. Without --target, --for or --event: a one-line tip.

    Examples: reftrack ask add anna --channel phone --for "Jan Pieters" ;
    reftrack ask add anna --event "Golf day 2026-05-14" --bring
    """
    from reftrack import render
    from reftrack.records import ASK_COLUMNS, ask_row
    from reftrack.services import asking, asks, lookup
    from reftrack.services.lifecycle import scheduled_text as asks_follow_ups

    how = asking_channel(channel, event=event)
    invitation = (
        asking.parse_event(event, event_on=event_on, today=common.today())
        if event is not None
        else None
    )
    with common.write_session() as session:
        common.plan(session, backfill=backfill)
        who = lookup.advocate(session, advocate)
        ask = asks.add_ask(
            session,
            advocate=who,
            on=common.when(on),
            settings=common.settings(),
            channel=how,
            target=target,
            notes=note,
            force=force,
            for_target=lookup.target(session, for_) if for_ is not None else None,
            event=invitation,
            bring=bring,
        )
        scheduled = asks_follow_ups(session, ask_id=ask.id)
    common.warn_late(session, backfill=backfill)
    if target is None and for_ is None and event is None:
        render.message(asking.UNSPECIFIC_TIP)
    if fmt is OutputFormat.table:
        forced = " (forced)" if ask.forced else ""
        render.message(
            f"ask #{ask.id}: {who.name} on {ask.asked_on} by {render.label(ask.channel)}"
            f"{forced}{scheduled}"
        )
    else:
        render.emit([ask_row(ask, who.name)], ASK_COLUMNS, fmt.value)


def asking_channel(channel: Channel | None, *, event: str | None) -> Channel:
    """The channel of an ask: an invitation is an event's; in person when none is given."""
    from reftrack.errors import InvalidInputError

    if event is not None and channel not in (None, Channel.event):
        raise InvalidInputError(f"--event goes with --channel event, not {channel}; leave it out")
    if channel is None:
        return Channel.event if event is not None else Channel.in_person
    return channel


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
    from reftrack.services import listing, lookup_text

    def read(reader: Any) -> list[dict[str, Any]]:
        who = lookup_text.advocate(reader, advocate)["id"] if advocate else None
        found = listing.asks(reader, pending_only=pending, advocate_id=who)
        return [ask_row(a, name) for a, name in found]

    rows = common.read(read, scope_owner=common.scope(owner, everyone))
    render.emit(rows, ASK_COLUMNS, fmt.value, table_columns=ASK_TABLE, empty="no asks match")


@app.command("outcome")
def outcome(
    ask: Annotated[
        str,
        typer.Argument(
            help="Ask id, or an advocate's name for their latest ask.",
            autocompletion=completion.asks,
        ),
    ],
    result: Annotated[Outcome, typer.Argument(help="What came of it.", metavar="OUTCOME")],
    alternative: Annotated[
        Alternative | None,
        typer.Option("--alternative", help="With outcome alternative: what they gave instead."),
    ] = None,
    on: OnOption = None,
    backfill: BackfillOption = False,
) -> None:
    """Record how an ask ended; its pending check-back closes itself.

    promised (they will make the introduction): "did they introduce you?" in 5 days, done
    when a referral from the ask is logged. alternative: collect it in 7 days. Back to
    pending: the check-back is due again.

    Example: reftrack ask outcome 12 alternative --alternative testimonial
    """
    from reftrack import render
    from reftrack.services import asks, lookup
    from reftrack.services.lifecycle import scheduled_text

    with common.write_session() as session:
        common.plan(session, backfill=backfill)
        found = lookup.ask(session, ask)
        asks.set_outcome(
            session,
            ask=found,
            outcome=result,
            alternative=alternative,
            on=common.when(on),
            settings=common.settings(),
        )
        scheduled = scheduled_text(session, ask_id=found.id)
    common.warn_late(session, backfill=backfill)
    extra = f" ({render.label(found.alternative)})" if found.alternative else ""
    render.message(f"ask #{found.id}: {render.label(found.outcome)}{extra}{scheduled}")


app.command("edit")(editing.ask_edit)
app.command("script")(scripting.ask_script)
deleting.register(app, "ask")
