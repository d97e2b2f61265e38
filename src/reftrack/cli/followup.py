"""`reftrack followup …`: dated actions; most are made by the rules, some by hand."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from reftrack import dates
from reftrack.cli import common, completion, deleting, editing
from reftrack.cli.common import (
    EveryoneOption,
    FormatOption,
    OnOption,
    OutputFormat,
    OwnerOption,
)

app = typer.Typer(help="Follow-ups: what to do, and when.", no_args_is_help=True)

FOLLOWUP_TABLE = [
    ("id", "id"),
    ("due_on", "due"),
    ("kind", "kind"),
    ("advocate", "advocate"),
    ("prospect", "prospect"),
    ("note", "note"),
    ("done_on", "done"),
]
FollowUpArg = Annotated[
    str,
    typer.Argument(help="Follow-up id (see `reftrack due`).", autocompletion=completion.follow_ups),
]


@app.command("add")
def add(
    note: Annotated[str, typer.Argument(help="What to do.")],
    due: Annotated[str, typer.Option("--due", help=f"When: {dates.DATE_HELP}.")],
    advocate: Annotated[str | None, typer.Option("--advocate", help="About this advocate.")] = None,
    referral: Annotated[str | None, typer.Option("--referral", help="About this referral.")] = None,
    ask: Annotated[str | None, typer.Option("--ask", help="About this ask (id).")] = None,
) -> None:
    """Add a follow-up of your own.

    Example: reftrack followup add --advocate anna --due friday "send the case study"
    """
    from reftrack import render
    from reftrack.services import followups, lookup

    due_on = common.when(due, what="--due")
    with common.write_session() as session:
        follow_up = followups.add_follow_up(
            session,
            due_on=due_on,
            note=note,
            advocate=lookup.advocate(session, advocate) if advocate else None,
            referral=lookup.referral(session, referral) if referral else None,
            ask=lookup.ask(session, ask) if ask else None,
        )
    render.message(f"follow-up #{follow_up.id} due {follow_up.due_on}")


@app.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Include done ones.")] = False,
    owner: OwnerOption = None,
    everyone: EveryoneOption = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List open follow-ups by due date (--all: done ones too).

    Example: reftrack followup list --format json
    """
    from reftrack import render
    from reftrack.records import FOLLOWUP_COLUMNS, followup_row
    from reftrack.services import listing

    def read(reader: Any) -> list[dict[str, Any]]:
        found = listing.follow_ups(reader, include_done=all_)
        return [followup_row(f, name, prospect) for f, name, prospect in found]

    rows = common.read(read, scope_owner=common.scope(owner, everyone))
    render.emit(
        rows, FOLLOWUP_COLUMNS, fmt.value, table_columns=FOLLOWUP_TABLE, empty="no follow-ups"
    )


@app.command("done")
def done(
    follow_up: editing.FollowUpsArg,
    on: OnOption = None,
    note: Annotated[str | None, typer.Option("--note", help="What came of it.")] = None,
    link: Annotated[
        str | None,
        typer.Option("--link", help="With a collect follow-up: where it was published (URL)."),
    ] = None,
) -> None:
    """Mark follow-ups done (several ids at once: all or none); a done thank-you records
    that the referrer was thanked.

    Example: reftrack followup done 42 --note "called, meeting on Tuesday"
    """
    from reftrack import render
    from reftrack.services import followups, lifecycle, lookup

    with common.write_session() as session:
        common.plan(session)
        found = [lookup.follow_up(session, ref) for ref in editing.unique(follow_up)]
        said = []
        for item in found:
            outcome = lifecycle.done_outcome(item, note=note, link=link)
            said.append(lifecycle.describe_follow_up(session, item))
            followups.mark_done(
                session,
                follow_up=item,
                on=common.when(on),
                outcome=outcome,
                settings=common.settings(),
                link=link,
            )
    for item, what in zip(found, said, strict=True):
        render.message(f"follow-up #{item.id} done on {item.done_on}: {what}")


@app.command("snooze")
def snooze(
    follow_up: Annotated[
        list[str],
        typer.Argument(help="Follow-up ids, then when: 42 43 +2w.", metavar="FOLLOWUP... WHEN"),
    ],
) -> None:
    """Move follow-ups to a later date (several ids at once); long snoozes are fine.

    Example: reftrack followup snooze 42 +3m
    """
    from reftrack import render
    from reftrack.errors import InvalidInputError
    from reftrack.services import followups, lookup

    if len(follow_up) < 2:
        raise InvalidInputError(
            "give the follow-up ids, then when: reftrack followup snooze 42 +2w"
        )
    *refs, when = follow_up
    today = common.today()
    text = when.strip()
    if text[:1].isdigit() and text[-1:].lower() in "dwmy" and "-" not in text:
        text = "+" + text  # a bare duration such as 3m means "from today"
    until = dates.parse_date(text, base=today, what="snooze")
    with common.write_session() as session:
        found = [lookup.follow_up(session, ref) for ref in editing.unique(refs)]
        for item in found:
            followups.snooze(session, follow_up=item, until=until, today=today)
    for item in found:
        render.message(f"follow-up #{item.id} now due {item.due_on}")


app.command("edit")(editing.followup_edit)
app.command("cancel")(editing.followup_cancel)
app.command("reopen")(editing.followup_reopen)
deleting.register(app, "followup")
