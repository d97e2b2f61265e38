"""`reftrack referral …`: prospects introduced to you, through their stages."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

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
from reftrack.enums import Status

if TYPE_CHECKING:
    from reftrack.db_file import Reader

app = typer.Typer(help="Referrals: prospects introduced by an advocate.", no_args_is_help=True)

REFERRAL_TABLE = [
    ("id", "id"),
    ("received_on", "received"),
    ("prospect", "prospect"),
    ("company", "company"),
    ("advocate", "from"),
    ("status", "status"),
    ("value", "value"),
    ("phone", "phone"),
    ("email", "email"),
]
ReferralArg = Annotated[
    str,
    typer.Argument(
        help="Prospect name (or part of it) or id.", autocompletion=completion.referrals
    ),
]


def _emit_one(referral: Any, advocate_name: str, fmt: OutputFormat, said: str) -> None:
    from reftrack import render
    from reftrack.records import REFERRAL_COLUMNS, referral_row

    if fmt is OutputFormat.table:
        render.message(said)
    else:
        render.emit([referral_row(referral, advocate_name)], REFERRAL_COLUMNS, fmt.value)


@app.command("add")
def add(
    advocate: Annotated[
        str, typer.Argument(help="Who referred: name or id.", autocompletion=completion.advocates)
    ],
    prospect: Annotated[str, typer.Argument(help="The prospect's name.")],
    company: Annotated[str | None, typer.Option("--company", help="Prospect's company.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Prospect's e-mail.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Prospect's phone.")] = None,
    ask: Annotated[
        str | None,
        typer.Option("--ask", help="The ask it answers (id); default: the advocate's latest."),
    ] = None,
    organic: Annotated[bool, typer.Option("--organic", help="It came unasked.")] = False,
    on: OnOption = None,
    note: Annotated[str | None, typer.Option("--note", help="Free notes.")] = None,
    backfill: BackfillOption = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Log a referral: thank the advocate today, contact the prospect tomorrow.

    Without --ask or --organic it answers the advocate's latest ask that is pending or
    promised, or was answered with a referral in the last 30 days (the second name of "one
    or two people"); organic only when there is none. Always get the prospect's details,
    even when the advocate "will make the intro": without a phone or e-mail, a follow-up
    asks the advocate for them the next day.

    Example: reftrack referral add anna "Piet Bakker" --company Gamma --phone 0612345678
    """
    from reftrack import render
    from reftrack.errors import InvalidInputError
    from reftrack.models import Ask
    from reftrack.services import asking, lifecycle, lookup, referrals

    if ask and organic:
        raise InvalidInputError("--ask and --organic contradict each other; give one")
    with common.write_session() as session:
        common.plan(session, backfill=backfill)
        who = lookup.advocate(session, advocate)
        on_date = common.when(on)
        answered: Ask | None
        if ask:
            answered = lookup.ask(session, ask)
        elif organic:
            answered = None
        else:
            answered = lifecycle.ask_to_link(
                session, advocate=who, on=on_date, settings=common.settings()
            )
        was = answered.outcome if answered else None
        referral = referrals.add_referral(
            session,
            advocate=who,
            prospect=prospect,
            on=on_date,
            settings=common.settings(),
            ask=answered,
            company=company,
            email=email,
            phone=phone,
            notes=note,
        )
        warnings = referrals.already_known(session, referral=referral)
        todo = lifecycle.referral_todo(session, referral=referral, today=common.today())
        todo += asking.reached_text(session, referral)
    common.warn_late(session, backfill=backfill)
    if answered is None:
        origin = "organic" if organic or ask else "organic: no recent ask to link"
    else:
        how = "" if ask else f", {render.label(was)}"
        origin = f"answers ask #{answered.id} of {answered.asked_on}{how}"
    _emit_one(
        referral,
        who.name,
        fmt,
        f"referral #{referral.id}: {referral.prospect} from {who.name} ({origin}){todo}",
    )
    from reftrack import render

    for warning in warnings:
        render.message(f"warning: {warning}")


@app.command("list")
def list_(
    status: Annotated[Status | None, typer.Option("--status", help="Only this stage.")] = None,
    open_: Annotated[bool, typer.Option("--open", help="Only referrals not won or lost.")] = False,
    advocate: Annotated[
        str | None, typer.Option("--advocate", help="Only this advocate's.")
    ] = None,
    owner: OwnerOption = None,
    everyone: EveryoneOption = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List referrals, newest first.

    Example: reftrack referral list --open
    """
    from reftrack import render
    from reftrack.records import REFERRAL_COLUMNS, referral_row
    from reftrack.services import listing

    def read(reader: Reader) -> list[dict[str, Any]]:
        advocate_id = None
        if advocate is not None:  # within the scope, as the list: services/lookup_text.py
            from reftrack.services import lookup_text

            advocate_id = lookup_text.advocate(reader, advocate)["id"]
        found = listing.referrals(reader, status=status, open_only=open_, advocate_id=advocate_id)
        return [referral_row(r, name) for r, name in found]

    rows = common.read(read, scope_owner=common.scope(owner, everyone))
    render.emit(
        rows, REFERRAL_COLUMNS, fmt.value, table_columns=REFERRAL_TABLE, empty="no referrals match"
    )


@app.command("show")
def show(referral: ReferralArg, fmt: FormatOption = OutputFormat.table) -> None:
    """Show a referral with its follow-ups.

    Example: reftrack referral show "Piet Bakker"
    """
    from reftrack.records import followup_row, referral_row
    from reftrack.render import profile
    from reftrack.services import referral_text

    found = common.read(lambda reader: referral_text.of(reader, ref=referral))
    name, prospect = found.referrer_name, found.referral.prospect
    row = referral_row(found.referral, name)
    steps = [followup_row(f, name, prospect) for f in found.follow_ups]
    log = [profile.note_line(n) for n in found.notes]
    profile.show_referral(row, steps, fmt, currency=common.settings().currency, notes=log)


@app.command("move")
def move(
    referral: ReferralArg,
    stage: Annotated[Status, typer.Argument(help="The new stage.", metavar="STAGE")],
    value: Annotated[
        str | None, typer.Option("--value", help="With won: the deal's value.")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="With lost: why.")] = None,
    on: OnOption = None,
    make_advocate: Annotated[
        bool | None,
        typer.Option(
            "--make-advocate/--no-make-advocate",
            help="With won: add the new customer as an advocate (asked on a terminal).",
            show_default=False,
        ),
    ] = None,
    backfill: BackfillOption = False,
) -> None:
    """Move a referral to a stage: new, contacted, meeting, proposal, won or lost.

    Open stages schedule the next contact 3 days out; won schedules a thank-you and
    offers to add the new customer as an advocate (source referral).

    Example: reftrack referral move "Piet Bakker" won --value 12500 --make-advocate
    """
    from reftrack import render
    from reftrack.money import format_money, parse_money
    from reftrack.services import lifecycle, lookup, referrals

    if make_advocate and stage is not Status.won:
        from reftrack.errors import InvalidInputError

        raise InvalidInputError("--make-advocate goes with won; only a customer becomes one")
    cents = parse_money(value, what="--value") if value is not None else None
    advocate = None
    with common.write_session() as session:
        common.plan(session, backfill=backfill)
        found = lookup.referral(session, referral)
        referrals.move_referral(
            session,
            referral=found,
            stage=stage,
            on=common.when(on),
            settings=common.settings(),
            value_cents=cents,
            reason=reason,
        )
        if stage is Status.won and make_advocate:
            advocate = referrals.make_advocate(session, referral=found)
            lifecycle.customer_added(session, advocate=advocate, settings=common.settings())
    common.warn_late(session, backfill=backfill)
    worth = ""
    if found.value_cents is not None:
        worth = f", value {format_money(found.value_cents)} {common.settings().currency}"
    render.message(f"referral #{found.id} {found.prospect}: {found.status}{worth}")
    # asked after the commit: the write lock is never held while a person thinks
    offer = stage is Status.won and make_advocate is None and sys.stdin.isatty()
    question = render.terminal_line(f"Add {found.prospect} as an advocate?")
    if offer and typer.confirm(question, default=True):
        with common.write_session() as session:
            common.plan(session)
            advocate = referrals.make_advocate(session, referral=found)
            lifecycle.customer_added(session, advocate=advocate, settings=common.settings())
    if advocate is not None:
        render.message(f"advocate #{advocate.id} {advocate.name} added (source referral)")


app.command("edit")(editing.referral_edit)
app.command("kit")(scripting.referral_kit)
deleting.register(app, "referral")
