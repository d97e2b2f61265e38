"""`reftrack (advocate|ask|referral|followup) delete` and `advocate merge`: the commands
that remove records. Each says what goes with the record and asks on a terminal; off a
terminal it needs --yes. All are in the change journal: `reftrack undo` brings them back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from reftrack.cli import common
from reftrack.cli.common import YesOption

# noun → (what the argument is, the lookup's name, the removal plan's name)
KINDS = {
    "advocate": ("Name (or part of it) or id.", "advocate", "plan_advocate"),
    "ask": ("Ask id (see `reftrack ask list`).", "ask_by_id", "plan_ask"),
    "referral": ("Prospect's name or referral id.", "referral", "plan_referral"),
    "followup": ("Follow-up id (see `reftrack followup list`).", "follow_up", "plan_follow_up"),
}
EXAMPLES = {
    "advocate": 'reftrack advocate delete "Anna de Vries (copy)" --yes',
    "ask": "reftrack ask delete 12 --yes",
    "referral": "reftrack referral delete 7 --yes",
    "followup": "reftrack followup delete 31 --yes",
}


def _delete(noun: str, ref: str, yes: bool) -> None:
    from reftrack import render
    from reftrack.services import lookup, removal

    _, finder, planner = KINDS[noun]
    with common.write_session() as session:
        record = getattr(lookup, finder)(session, ref)
        plan = getattr(removal, planner)(session, record)
        common.confirm(plan.summary(), yes=yes)
        removal.carry_out(session, plan)
    render.message(
        f"deleted: {plan.summary().removeprefix('delete ')} (reftrack undo brings it back)"
    )


def delete_command(noun: str) -> Callable[..., None]:
    # a default, not an annotation: annotations are strings here (PEP 563), evaluated
    # later by Typer where this function's local names are out of reach
    def delete(
        record: str = typer.Argument(..., help=KINDS[noun][0]),
        yes: YesOption = False,
    ) -> None:
        _delete(noun, record, yes)

    delete.__doc__ = (
        f"Delete a {noun} and what belongs only to it (said first; asked on a terminal).\n\n"
        f"`reftrack undo` brings it back.\n\nExample: {EXAMPLES[noun]}"
    )
    return delete


def register(app: typer.Typer, noun: str) -> None:
    app.command("delete")(delete_command(noun))


def merge(
    keep: Annotated[str, typer.Argument(help="The advocate to keep: name or id.")],
    duplicate: Annotated[str, typer.Argument(help="The duplicate, merged in and deleted.")],
    yes: YesOption = False,
) -> None:
    """Merge a duplicate advocate into another: asks, referrals, follow-ups, scores and
    events move to the one kept, its empty fields are filled from the duplicate, and the
    duplicate is deleted. `reftrack undo` separates them again.

    Example: reftrack advocate merge 12 31 --yes
    """
    from reftrack import render
    from reftrack.services import lookup
    from reftrack.services import merge as merging

    with common.write_session() as session:
        kept = lookup.advocate(session, keep)
        plan = merging.plan(session, keep=kept, duplicate=lookup.advocate(session, duplicate))
        common.confirm(plan.summary(), yes=yes)
        merging.carry_out(session, plan, on=common.today())
    render.message(
        plan.summary().replace("merge ", "merged ", 1).replace("is then deleted", "deleted")
    )
