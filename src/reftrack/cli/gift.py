"""`reftrack gift …`: thank-you gifts and what they cost (a thank-you, never a payment)."""

from __future__ import annotations

from typing import Annotated

import typer

from reftrack.cli import common, completion
from reftrack.cli.common import FormatOption, OnOption, OutputFormat, YesOption

app = typer.Typer(
    help="Thank-you gifts for advocates, with what they cost (thanks, never payments).",
    no_args_is_help=True,
)

GIFT_TABLE = [
    ("id", "id"),
    ("given_on", "given"),
    ("advocate", "advocate"),
    ("what", "what"),
    ("cost", "cost"),
    ("referral_id", "for referral"),
]


@app.command("add")
def add(
    advocate: Annotated[
        str,
        typer.Argument(help="Name (or part of it) or id.", autocompletion=completion.advocates),
    ],
    what: Annotated[str, typer.Argument(help='What you gave: "dinner for two".')],
    cost: Annotated[
        str | None, typer.Option("--cost", help="What it cost (at most two decimals).")
    ] = None,
    referral: Annotated[
        str | None,
        typer.Option(
            "--referral",
            help="The referral it thanks for (prospect or id).",
            autocompletion=completion.referrals,
        ),
    ] = None,
    on: OnOption = None,
    note: Annotated[str | None, typer.Option("--note", help="Free notes.")] = None,
) -> None:
    """Record a thank-you gift. Frame it as thanks, never as a payment for names (the
    texts); `metrics` adds up gifts_cost and cost_per_won_referral.

    Example: reftrack gift add anna "dinner for two" --cost 85,50 --referral "Piet Bakker"
    """
    from reftrack import render
    from reftrack.money import display_money, parse_money
    from reftrack.services import giving, lookup

    cents = parse_money(cost, what="--cost") if cost is not None else None
    with common.write_session() as session:
        found = lookup.advocate(session, advocate)
        linked = lookup.referral(session, referral) if referral is not None else None
        gift = giving.add_gift(
            session,
            advocate=found,
            what=what,
            on=common.when(on),
            cost_cents=cents,
            referral=linked,
            notes=note,
        )
    price = f" ({display_money(cents, common.settings().currency)})" if cents is not None else ""
    thanks = f" for referral #{linked.id} {linked.prospect}" if linked is not None else ""
    render.message(
        f"gift #{gift.id}: {gift.what}{price} to {found.name}{thanks} on {gift.given_on}"
    )


@app.command("list")
def list_(
    advocate: Annotated[
        str | None,
        typer.Option(
            "--advocate", help="Only this advocate's.", autocompletion=completion.advocates
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List thank-you gifts, oldest first.

    Example: reftrack gift list --format json
    """
    from reftrack.records import GIFT_COLUMNS
    from reftrack.services import giving

    common.emit_advocate_rows(
        giving.gift_rows,
        advocate,
        fmt,
        columns=GIFT_COLUMNS,
        table_columns=GIFT_TABLE,
        empty='no gifts yet: reftrack gift add ANNA "flowers" --cost 40',
    )


@app.command("delete")
def delete(
    gift: Annotated[int, typer.Argument(help="The gift's id (see `gift list`).")],
    yes: YesOption = False,
) -> None:
    """Delete a gift logged by mistake. `reftrack undo` brings it back.

    Example: reftrack gift delete 2 --yes
    """
    from reftrack import render
    from reftrack.services import giving

    with common.write_session() as session:
        found = giving.get_gift(session, gift)
        common.confirm(f"delete gift #{found.id} {found.what} ({found.given_on})", yes=yes)
        giving.delete_gift(session, found)
    render.message(f"deleted: gift #{gift} (reftrack undo brings it back)")
