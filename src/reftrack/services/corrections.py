"""Correcting an ask or a referral after the fact, keeping the rules' state consistent
(docs/rules.md, "Correcting the book"): follow-ups move and re-date with their record, an
ask is linked only to a referral from the advocate it was made to, a reopened referral
drops what closing it set."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from reftrack.config import Settings
from reftrack.enums import WON_THANK_NOTE, Channel, FollowUpKind, Outcome, Status
from reftrack.errors import InvalidInputError
from reftrack.models import Advocate, Ask, FollowUp, Referral, Target, id_of
from reftrack.services import rules, targets


def _shift(session: Session, follow_ups: list[FollowUp], days: int) -> None:
    """The rules dated these from the event: they move with its date (snoozes kept)."""
    for follow_up in follow_ups:
        follow_up.due_on = follow_up.due_on + timedelta(days=days)
        rules.touch(session, follow_up)


# --- asks ------------------------------------------------------------------------------


def edit_ask(
    session: Session,
    *,
    ask: Ask,
    advocate: Advocate | None = None,
    channel: Channel | None = None,
    target: str | None = None,
    on: date | None = None,
    note: str | None = None,
    for_target: Target | None = None,
    unlink_target: bool = False,
) -> list[str]:
    """Apply the given changes; returns what changed, for the confirmation.

    ``for_target``: the ask named this person (an open target); ``unlink_target``: it named
    none. Either way the referrals it brought are judged against the targets again."""
    said: list[str] = []
    if advocate is not None and advocate.id != ask.advocate_id:
        linked = session.exec(select(Referral).where(Referral.ask_id == ask.id)).all()
        if linked:
            ids = ", ".join(f"#{r.id}" for r in linked)
            raise InvalidInputError(
                f"ask #{ask.id} brought referrals {ids} from its advocate; move them first "
                "(reftrack referral edit ID --advocate …) or delete the ask and ask again"
            )
        ask.advocate_id = id_of(advocate)
        for follow_up in rules.follow_ups_where(session, open_only=True, ask_id=ask.id):
            follow_up.advocate_id = ask.advocate_id
            rules.touch(session, follow_up)
        said.append(f"made to {advocate.name}")
    if on is not None and on != ask.asked_on:
        first = session.exec(
            select(func.min(Referral.received_on)).where(Referral.ask_id == ask.id)
        ).one()
        if first is not None and on > first:
            raise InvalidInputError(
                f"ask #{ask.id} brought a referral on {first}; it was asked on or before that"
            )
        scheduled = [
            f
            for f in rules.follow_ups_where(session, open_only=True, ask_id=ask.id)
            if f.kind in (FollowUpKind.check_ask, FollowUpKind.circle_back)
        ]
        _shift(session, scheduled, (on - ask.asked_on).days)
        ask.asked_on = on
        said.append(
            f"asked on {on}" + (f", {len(scheduled)} follow-ups re-dated" if scheduled else "")
        )
    if channel is not None:
        ask.channel = channel.value
        said.append(f"by {channel.value}")
    if target is not None:
        ask.target = target.strip() or None
        said.append(f"target {ask.target or '(none)'}")
    if note is not None:
        ask.notes = note.strip() or None
        said.append("note changed")
    relinked = for_target is not None or unlink_target
    if relinked:
        said.append(_relink(session, ask, for_target, keep_text=target is not None))
    if not said:
        raise InvalidInputError(
            "nothing to change; give --advocate, --channel, --target, --for, --on or --note"
        )
    rules.touch(session, ask)
    session.flush()
    if relinked:
        for referral in session.exec(select(Referral).where(Referral.ask_id == ask.id)).all():
            said += targets.referral_edited(session, referral=referral)
    return said


def _relink(session: Session, ask: Ask, target: Target | None, *, keep_text: bool) -> str:
    """The ask names ``target`` (None: no target); its free text follows the link unless
    given (`--target`) or written by hand."""
    old = session.get(Target, ask.target_id) if ask.target_id is not None else None
    if target is not None and target.id != ask.target_id and not targets.is_open(target):
        raise InvalidInputError(
            f"target #{target.id} {target.name} is {targets.state_of(target)}; "
            "ask for an open one (reftrack target list --open)"
        )
    followed = ask.target is None or (old is not None and ask.target == targets.label(old))
    ask.target_id = target.id if target is not None else None
    if followed and not keep_text:
        ask.target = targets.label(target) if target is not None else None
    if target is None:
        return "for no target"
    return f"for target #{target.id} {targets.label(target)}"


def _unlink_ask(session: Session, referral: Referral) -> None:
    ask = session.get(Ask, referral.ask_id) if referral.ask_id else None
    referral.ask_id = None
    if ask is not None:
        rules.referral_gone(session, ask=ask)


def _link_ask(session: Session, referral: Referral, ask: Ask) -> None:
    referral.ask_id = id_of(ask)
    if ask.outcome != Outcome.referred:
        ask.outcome = Outcome.referred.value
        ask.alternative = None
        rules.touch(session, ask)
        rules.ask_answered(session, ask=ask, on=referral.received_on)


# --- referrals ---------------------------------------------------------------------------


def edit_referral(
    session: Session,
    *,
    referral: Referral,
    today: date,
    settings: Settings,
    changes: dict[str, Any],
    advocate: Advocate | None = None,
    ask: Ask | None = None,
    organic: bool = False,
) -> list[str]:
    """Apply the given changes (``changes``: prospect, company, email, phone, notes, on,
    value_cents, lost_reason); returns what changed, for the confirmation."""
    said: list[str] = []
    if ask is not None and organic:
        raise InvalidInputError("give --ask or --organic, not both")
    if advocate is not None and advocate.id != referral.advocate_id:
        referral.advocate_id = id_of(advocate)
        for follow_up in rules.follow_ups_where(session, open_only=True, referral_id=referral.id):
            follow_up.advocate_id = referral.advocate_id
            if follow_up.kind == FollowUpKind.details:  # it names whom to ask
                follow_up.note = f"ask {advocate.name} for {referral.prospect}'s phone or e-mail"
            rules.touch(session, follow_up)
        said.append(f"from {advocate.name}")
        if ask is None and not organic and referral.ask_id is not None:
            _unlink_ask(session, referral)
            said.append("no longer answers the old advocate's ask (organic now; --ask to link one)")
    if ask is not None:
        if ask.advocate_id != referral.advocate_id:
            owner = session.get(Advocate, ask.advocate_id)
            raise InvalidInputError(
                f"ask #{ask.id} was made to {owner.name if owner else 'someone else'}, not to "
                "this referral's advocate; check --ask"
            )
        if ask.id != referral.ask_id:
            if referral.ask_id is not None:
                _unlink_ask(session, referral)
            _link_ask(session, referral, ask)
            said.append(f"answers ask #{ask.id}")
    elif organic and referral.ask_id is not None:
        _unlink_ask(session, referral)
        said.append("organic")
    said += _edit_fields(session, referral, today, settings, changes)
    if not said:
        raise InvalidInputError("nothing to change; see `reftrack referral edit --help`")
    rules.touch(session, referral)
    session.flush()
    return said + targets.referral_edited(session, referral=referral)


def _edit_fields(
    session: Session, referral: Referral, today: date, settings: Settings, changes: dict[str, Any]
) -> list[str]:
    said: list[str] = []
    for key in ("prospect", "company", "email", "phone", "notes"):
        if key in changes:
            value = (changes[key] or "").strip() or None
            if key == "prospect" and value is None:
                raise InvalidInputError("the prospect's name is empty; give a name")
            setattr(referral, key, value)
            said.append(f"{key} {value or '(none)'}")
    if ("email" in changes or "phone" in changes) and (referral.email or referral.phone):
        details = rules.follow_ups_where(
            session, open_only=True, referral_id=referral.id, kind=FollowUpKind.details.value
        )
        rules.close(session, details, on=today, outcome="details given")
    on = changes.get("on")
    if on is not None and on != referral.received_on:
        if referral.closed_on is not None and on > referral.closed_on:
            raise InvalidInputError(
                f"referral #{referral.id} was closed on {referral.closed_on}; it arrived before"
            )
        scheduled = [
            f
            for f in rules.follow_ups_where(session, open_only=True, referral_id=referral.id)
            if (f.kind == FollowUpKind.thank and f.note != WON_THANK_NOTE)
            or f.kind == FollowUpKind.details
            or (f.kind == FollowUpKind.contact and referral.status == Status.new)
        ]
        _shift(session, scheduled, (on - referral.received_on).days)
        referral.received_on = on
        said.append(
            f"received {on}" + (f", {len(scheduled)} follow-ups re-dated" if scheduled else "")
        )
    if "value_cents" in changes:
        if referral.status != Status.won:
            raise InvalidInputError(
                f"referral #{referral.id} is {referral.status}, not won; --value is a won deal's"
            )
        referral.value_cents = changes["value_cents"]
        said.append("value changed")
    if "lost_reason" in changes:
        if referral.status != Status.lost:
            raise InvalidInputError(
                f"referral #{referral.id} is {referral.status}, not lost; --reason is a lost deal's"
            )
        referral.lost_reason = (changes["lost_reason"] or "").strip() or None
        said.append("lost reason changed")
    return said


def reopened(session: Session, *, referral: Referral, was: str, on: date) -> None:
    """A won or lost referral moved back to an open stage: what closing it set goes."""
    if was == Status.lost:
        referral.lost_reason = None
    if was == Status.won:
        referral.value_cents = None
        thanks = [
            f
            for f in rules.follow_ups_where(session, open_only=True, referral_id=referral.id)
            if f.kind == FollowUpKind.thank and f.note == WON_THANK_NOTE
        ]
        for follow_up in thanks:
            follow_up.done_on = on
            follow_up.cancelled = True
            follow_up.outcome = "referral reopened"
            rules.touch(session, follow_up)
