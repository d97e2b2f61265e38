"""`reftrack note …`: the dated interaction log ("called, voicemail")."""

from __future__ import annotations

from typing import Annotated

import typer

from reftrack.cli import common, completion
from reftrack.cli.common import FormatOption, OnOption, OutputFormat

app = typer.Typer(
    help="Notes: a dated log of what happened with an advocate, referral or ask.",
    no_args_is_help=True,
)
NOTE_TABLE = [("id", "id"), ("noted_on", "date"), ("about", "about"), ("text", "note")]


@app.command("add")
def add(
    words: Annotated[
        list[str],
        typer.Argument(
            help="ADVOCATE TEXT, or only TEXT with --referral or --ask.",
            metavar="[ADVOCATE] TEXT",
        ),
    ],
    referral: Annotated[
        str | None,
        typer.Option(
            "--referral",
            help="About this referral (id or prospect).",
            autocompletion=completion.referrals,
        ),
    ] = None,
    ask: Annotated[
        str | None,
        typer.Option("--ask", help="About this ask (id).", autocompletion=completion.asks),
    ] = None,
    on: OnOption = None,
) -> None:
    """Add a dated note to an advocate, a referral or an ask: added to the log, never
    replacing what is there (unlike --note). Shown by `show`, found by `search`.

    Examples: reftrack note add anna "called, voicemail" ;
    reftrack note add --referral 12 "met at their office, proposal next week" --on yesterday
    """
    from reftrack import render
    from reftrack.errors import InvalidInputError
    from reftrack.services import lookup, notes

    if referral is not None and ask is not None:
        raise InvalidInputError("--referral and --ask contradict each other; give one")
    subject_given = referral is not None or ask is not None
    if len(words) != (1 if subject_given else 2):
        raise InvalidInputError(
            'give the advocate, then the note in quotes: reftrack note add anna "called, '
            'voicemail" (with --referral or --ask: only the note)'
        )
    text = words[-1]
    with common.write_session() as session:
        note = notes.add_note(
            session,
            text=text,
            on=common.when(on),
            advocate=None if subject_given else lookup.advocate(session, words[0]),
            referral=lookup.referral(session, referral) if referral is not None else None,
            ask=lookup.ask_by_id(session, ask) if ask is not None else None,
        )
        about = notes.subject_of(note)
    render.message(f"note #{note.id} on {note.noted_on} about {about}")


@app.command("list")
def list_(
    advocate: Annotated[
        str,
        typer.Argument(
            help="An advocate (name or id): their notes and their asks' and referrals'."
        ),
    ],
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """An advocate's log, oldest first: notes about them, their asks and their referrals.

    Example: reftrack note list anna --format json
    """
    from reftrack import render
    from reftrack.outreach_rows import note_row
    from reftrack.records import NOTE_COLUMNS
    from reftrack.services import lookup, notes

    with common.read_session() as session:
        who = lookup.advocate(session, advocate)
        found = notes.of_advocate(session, who)
    rows = []
    for note in found:
        row = note_row(note, who.name if note.advocate_id else None)
        row["about"] = notes.subject_of(note)
        rows.append(row)
    render.emit(
        rows,
        [*NOTE_COLUMNS, "about"],
        fmt.value,
        table_columns=NOTE_TABLE,
        empty=f"no notes about {who.name}",
    )
