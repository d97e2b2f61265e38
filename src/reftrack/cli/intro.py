"""`reftrack intro …`: introductions you give advocates (reciprocity: give first)."""

from __future__ import annotations

from typing import Annotated

import typer

from reftrack.cli import common, completion
from reftrack.cli.common import FormatOption, OnOption, OutputFormat, YesOption

app = typer.Typer(
    help="Introductions you give advocates: reciprocity, the texts' 'give first'.",
    no_args_is_help=True,
)

AdvocateArg = Annotated[
    str, typer.Argument(help="Name (or part of it) or id.", autocompletion=completion.advocates)
]
INTRO_TABLE = [
    ("id", "id"),
    ("given_on", "given"),
    ("advocate", "advocate"),
    ("to_whom", "introduced to"),
    ("notes", "notes"),
]


@app.command("give")
def give(
    advocate: AdvocateArg,
    to: Annotated[
        str, typer.Option("--to", help='Whom you introduced them to: "Kees Bakker (printer)".')
    ],
    on: OnOption = None,
    note: Annotated[str | None, typer.Option("--note", help="Free notes.")] = None,
    backfill: common.BackfillOption = False,
) -> None:
    """Record an introduction you gave an advocate; an intro check follows in 21 days
    ("did Kees help Anna?", rules.intro_check_days). `next` lifts advocates you helped
    recently, and `advocate show` keeps the ledger: "given 2 · received 1".

    Example: reftrack intro give anna --to "Kees Bakker (printer)" --note "needs flyers"
    """
    from reftrack import render
    from reftrack.services import giving, lookup

    with common.write_session() as session:
        common.plan(session, backfill=backfill)
        found = lookup.advocate(session, advocate)
        intro = giving.give_intro(
            session,
            advocate=found,
            to_whom=to,
            on=common.when(on),
            notes=note,
            settings=common.settings(),
        )
        due = giving.intro_check_due(session, intro)
        common.warn_late(session, backfill=backfill)
    check = f"; check {due} whether it helped" if due else ""
    render.message(
        f"introduction #{intro.id}: {found.name} to {intro.to_whom} on {intro.given_on}{check}"
    )


@app.command("list")
def list_(
    advocate: Annotated[
        str | None,
        typer.Option(
            "--advocate",
            help="Only those given this advocate.",
            autocompletion=completion.advocates,
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List the introductions you gave, oldest first.

    Example: reftrack intro list --advocate anna --format csv
    """
    from reftrack.records import INTRO_COLUMNS
    from reftrack.services import giving

    common.emit_advocate_rows(
        giving.intro_rows,
        advocate,
        fmt,
        columns=INTRO_COLUMNS,
        table_columns=INTRO_TABLE,
        empty='no introductions yet: reftrack intro give ANNA --to "Kees Bakker (printer)"',
    )


@app.command("delete")
def delete(
    intro: Annotated[int, typer.Argument(help="The introduction's id (see `intro list`).")],
    yes: YesOption = False,
) -> None:
    """Delete an introduction logged by mistake, with its intro check. `reftrack undo`
    brings it back.

    Example: reftrack intro delete 3 --yes
    """
    from reftrack import render
    from reftrack.services import giving

    with common.write_session() as session:
        found = giving.get_intro(session, intro)
        what = f"delete introduction #{found.id} to {found.to_whom} ({found.given_on})"
        common.confirm(what + " with its intro check", yes=yes)
        checks = giving.delete_intro(session, found)
    plural = "" if checks == 1 else "s"
    render.message(
        f"deleted: introduction #{intro} with {checks} follow-up{plural} "
        "(reftrack undo brings it back)"
    )
