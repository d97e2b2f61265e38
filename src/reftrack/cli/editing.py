"""`reftrack ask edit`, `referral edit`, `followup edit|cancel|reopen`: correcting records
after the fact, with the rules' follow-ups kept in step (docs/rules.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from reftrack import dates
from reftrack.cli import common, completion
from reftrack.enums import Channel

NoteOption = Annotated[str | None, typer.Option("--note", help="Replace the notes.")]
OnEdit = Annotated[
    str | None,
    typer.Option(
        "--on", help=f"The date it really happened: {dates.DATE_HELP}.", show_default=False
    ),
]
AdvocateEdit = Annotated[
    str | None, typer.Option("--advocate", help="It was another advocate's: name or id.")
]


def ask_edit(
    ask: Annotated[str, typer.Argument(help="Ask id (see `reftrack ask list`).")],
    advocate: AdvocateEdit = None,
    channel: Annotated[Channel | None, typer.Option("--channel", help="How you asked.")] = None,
    target: Annotated[
        str | None, typer.Option("--target", help="Who or what you asked for.")
    ] = None,
    for_: Annotated[
        str | None,
        typer.Option(
            "--for",
            help='The target you asked to meet (name or id; "" for none).',
            autocompletion=completion.targets,
        ),
    ] = None,
    on: OnEdit = None,
    note: NoteOption = None,
) -> None:
    """Correct an ask; only the options given change.

    --on re-dates its open check-back and circle-back by as many days; --advocate moves it
    and its follow-ups to another advocate (refused while referrals answer it); --for links
    it to a target, and a referral it brought of that person reaches the target.

    Example: reftrack ask edit 12 --on 2026-03-02 --channel phone --for "Jan Pieters"
    """
    from reftrack import render
    from reftrack.services import corrections, lookup

    with common.write_session() as session:
        found = lookup.ask_by_id(session, ask)
        named = for_.strip() if for_ is not None else None
        said = corrections.edit_ask(
            session,
            ask=found,
            advocate=lookup.advocate(session, advocate) if advocate else None,
            channel=channel,
            target=target,
            on=common.when(on) if on is not None else None,  # a future date is refused
            note=note,
            for_target=lookup.target(session, named) if named else None,
            unlink_target=named == "",
        )
    render.message(f"ask #{found.id}: {'; '.join(said)}")


def referral_edit(
    referral: Annotated[str, typer.Argument(help="Prospect's name or referral id.")],
    advocate: AdvocateEdit = None,
    ask: Annotated[str | None, typer.Option("--ask", help="It answers this ask (id).")] = None,
    organic: Annotated[bool, typer.Option("--organic", help="It came unasked.")] = False,
    prospect: Annotated[str | None, typer.Option("--prospect", help="The prospect's name.")] = None,
    company: Annotated[str | None, typer.Option("--company", help="Prospect's company.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Prospect's e-mail.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Prospect's phone.")] = None,
    on: OnEdit = None,
    value: Annotated[str | None, typer.Option("--value", help="A won deal's value.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="A lost deal's reason.")] = None,
    note: NoteOption = None,
) -> None:
    """Correct a referral; only the options given change.

    --advocate moves it, with its open follow-ups (the thank-you goes to the new advocate),
    and unlinks the old advocate's ask unless --ask names one of the new advocate's;
    --on re-dates the follow-ups scheduled from its arrival; --value fixes a won deal.

    Example: reftrack referral edit 7 --advocate bram --value 7500,50
    """
    from reftrack import render
    from reftrack.money import format_money, parse_money
    from reftrack.services import corrections, lookup

    changes = common.given(
        prospect=prospect,
        company=company,
        email=email,
        phone=phone,
        notes=note,
        lost_reason=reason,
    )
    if on is not None:
        changes["on"] = common.when(on)  # a future date is refused
    if value is not None:
        changes["value_cents"] = parse_money(value, what="--value")
    with common.write_session() as session:
        found = lookup.referral(session, referral)
        said = corrections.edit_referral(
            session,
            referral=found,
            today=common.today(),
            settings=common.settings(),
            changes=changes,
            advocate=lookup.advocate(session, advocate) if advocate else None,
            ask=lookup.ask_by_id(session, ask) if ask else None,
            organic=organic,
        )
    if "value_cents" in changes:
        said = [
            s if s != "value changed" else f"value {format_money(found.value_cents)}" for s in said
        ]
    render.message(f"referral #{found.id} {found.prospect}: {'; '.join(said)}")


FollowUpArg = Annotated[str, typer.Argument(help="Follow-up id (see `reftrack due`).")]
FollowUpsArg = Annotated[
    list[str],
    typer.Argument(
        help="Follow-up ids (see `reftrack due`); several at once.",
        autocompletion=completion.follow_ups,
    ),
]


def followup_edit(
    follow_up: FollowUpArg,
    due: Annotated[
        str | None, typer.Option("--due", help=f"New due date: {dates.DATE_HELP}.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What to do, reworded.")] = None,
) -> None:
    """Change an open follow-up's due date or its note.

    Example: reftrack followup edit 31 --due friday --note "call about the pilot"
    """
    from reftrack import render
    from reftrack.services import followups, lookup

    with common.write_session() as session:
        found = lookup.follow_up(session, follow_up)
        followups.edit(
            session, follow_up=found, due_on=common.maybe_date(due, what="--due"), note=note
        )
    render.message(f"follow-up #{found.id}: due {found.due_on}, {found.note or found.kind}")


def followup_cancel(
    follow_up: FollowUpsArg,
    note: Annotated[str | None, typer.Option("--note", help="Why it is not needed.")] = None,
) -> None:
    """Close follow-ups as not needed any more: gone from `due`, and counted neither as
    done nor as late in `followups_on_time`.

    Example: reftrack followup cancel 31 32 --note "met at the fair instead"
    """
    from reftrack import render
    from reftrack.services import followups, lookup

    with common.write_session() as session:
        found = [lookup.follow_up(session, ref) for ref in unique(follow_up)]
        for item in found:
            followups.cancel(session, follow_up=item, on=common.today(), note=note)
    for item in found:
        render.message(f"follow-up #{item.id} cancelled ({item.outcome})")


def followup_reopen(follow_up: FollowUpArg) -> None:
    """Open a follow-up again that was done or cancelled by mistake.

    A reopened thank-you un-records the thanks; a reopened contact replaces the one the
    rules scheduled after it.

    Example: reftrack followup reopen 31
    """
    from reftrack import render
    from reftrack.services import followups, lookup

    with common.write_session() as session:
        found = lookup.follow_up(session, follow_up)
        followups.reopen(session, follow_up=found)
    render.message(f"follow-up #{found.id} is open again, due {found.due_on}")


def unique(refs: list[str]) -> list[str]:
    return list(dict.fromkeys(ref.strip().lstrip("#") for ref in refs))
