"""Deleting records, with what goes with them said first (`… delete`, `advocate score
--delete`, `advocate event delete`).

Everything that goes is deleted here, row by row through the ORM, not left to the
database's ON DELETE rules: the change journal sees each row, so `undo` brings it all back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from reftrack.enums import EventKind
from reftrack.errors import NotFoundError
from reftrack.models import (
    Advocate,
    AdvocateEvent,
    Ask,
    FollowUp,
    Gift,
    Intro,
    NpsScore,
    Referral,
)
from reftrack.services import notes, rules, targets
from reftrack.services.followups import contact_guard


@dataclass
class Removal:
    """What a delete takes with it (counted for the confirmation) and what it changes."""

    record: Any
    label: str
    goes: dict[str, list[Any]] = field(default_factory=dict)  # noun → records deleted with it
    unlinked: list[str] = field(default_factory=list)  # records kept, their link emptied

    def summary(self) -> str:
        parts = [f"{len(rows)} {noun}" for noun, rows in self.goes.items() if rows]
        said = f"delete {self.label}"
        if parts:
            said += " with " + ", ".join(parts)
        if self.unlinked:
            said += "; " + "; ".join(self.unlinked)
        return said


def plan_referral(session: Session, referral: Referral) -> Removal:
    removal = Removal(referral, f"referral #{referral.id} {referral.prospect}")
    removal.goes["follow-ups"] = rules.follow_ups_where(session, referral_id=referral.id)
    removal.goes["notes"] = notes.notes_about(session, referral_ids=[int(referral.id or 0)])
    for target in targets.reached_by(session, referral):
        removal.unlinked.append(f"target #{target.id} {target.name} is open again")
    brought = session.exec(select(Advocate).where(Advocate.referred_by == referral.id)).all()
    for advocate in brought:
        removal.unlinked.append(
            f"advocate #{advocate.id} {advocate.name} stays, no longer referred"
        )
    for gift in _gifts_for(session, referral):
        removal.unlinked.append(f"gift #{gift.id} {gift.what} stays, for no referral")
    return removal


def _gifts_for(session: Session, referral: Referral) -> list[Gift]:
    return list(session.exec(select(Gift).where(Gift.referral_id == referral.id)).all())


def plan_ask(session: Session, ask: Ask) -> Removal:
    removal = Removal(ask, f"ask #{ask.id} ({ask.asked_on})")
    removal.goes["follow-ups"] = rules.follow_ups_where(session, ask_id=ask.id)
    removal.goes["notes"] = notes.notes_about(session, ask_ids=[int(ask.id or 0)])
    for referral in session.exec(select(Referral).where(Referral.ask_id == ask.id)).all():
        removal.unlinked.append(f"referral #{referral.id} {referral.prospect} stays, as organic")
    return removal


def plan_advocate(session: Session, advocate: Advocate) -> Removal:
    removal = Removal(advocate, f"advocate #{advocate.id} {advocate.name}")
    referrals = list(session.exec(select(Referral).where(Referral.advocate_id == advocate.id)))
    removal.goes["asks"] = list(session.exec(select(Ask).where(Ask.advocate_id == advocate.id)))
    removal.goes["referrals"] = referrals
    removal.goes["follow-ups"] = rules.follow_ups_where(session, advocate_id=advocate.id)
    removal.goes["scores"] = list(
        session.exec(select(NpsScore).where(NpsScore.advocate_id == advocate.id))
    )
    removal.goes["events"] = list(
        session.exec(select(AdvocateEvent).where(AdvocateEvent.advocate_id == advocate.id))
    )
    removal.goes["introductions"] = list(
        session.exec(select(Intro).where(Intro.advocate_id == advocate.id))
    )
    removal.goes["gifts"] = list(session.exec(select(Gift).where(Gift.advocate_id == advocate.id)))
    removal.goes["notes"] = notes.of_advocate(session, advocate)  # theirs, their asks', referrals
    removal.goes["target links"] = targets.via_rows(session, advocate_id=int(advocate.id or 0))
    for referral in referrals:
        for other in plan_referral(session, referral).unlinked:
            if other.startswith("gift #"):  # the advocate's own gifts go with them
                continue
            removal.unlinked.append(other)
    return removal


def plan_follow_up(session: Session, follow_up: FollowUp) -> Removal:
    if follow_up.done_on is None:
        contact_guard(session, follow_up, "deleted")
    return Removal(follow_up, f"follow-up #{follow_up.id}")


def _delete_referral(session: Session, referral: Referral) -> None:
    for follow_up in rules.follow_ups_where(session, referral_id=referral.id):
        session.delete(follow_up)
    for note in notes.notes_about(session, referral_ids=[int(referral.id or 0)]):
        session.delete(note)
    targets.reopen_for(session, referral=referral)
    for advocate in session.exec(select(Advocate).where(Advocate.referred_by == referral.id)):
        advocate.referred_by = None
        rules.touch(session, advocate)
    for gift in _gifts_for(session, referral):
        gift.referral_id = None  # as the database's SET NULL would, but in the journal
        rules.touch(session, gift)
    ask = session.get(Ask, referral.ask_id) if referral.ask_id else None
    session.delete(referral)
    if ask is not None:
        rules.referral_gone(session, ask=ask)


def _delete_ask(session: Session, ask: Ask) -> None:
    for follow_up in rules.follow_ups_where(session, ask_id=ask.id):
        session.delete(follow_up)
    for note in notes.notes_about(session, ask_ids=[int(ask.id or 0)]):
        session.delete(note)
    for referral in session.exec(select(Referral).where(Referral.ask_id == ask.id)):
        referral.ask_id = None
        rules.touch(session, referral)
    session.delete(ask)


def carry_out(session: Session, removal: Removal) -> None:
    record = removal.record
    if isinstance(record, Referral):
        _delete_referral(session, record)
    elif isinstance(record, Ask):
        _delete_ask(session, record)
    elif isinstance(record, FollowUp):
        session.delete(record)
    else:
        for referral in removal.goes["referrals"]:
            _delete_referral(session, referral)
        session.flush()
        for ask in removal.goes["asks"]:
            _delete_ask(session, ask)
        for noun in (
            "follow-ups",
            "scores",
            "events",
            "introductions",
            "gifts",
            "notes",
            "target links",
        ):
            for row in removal.goes[noun]:
                if session.get(type(row), row.id) is not None:
                    session.delete(row)
        session.flush()
        session.delete(record)
    session.flush()


# --- an advocate's history ----------------------------------------------------------------


def refresh_latest(session: Session, advocate: Advocate) -> None:
    """The advocate row carries the latest score and events: recomputed from the history."""
    session.flush()
    latest = session.exec(
        select(NpsScore)
        .where(NpsScore.advocate_id == advocate.id)
        .order_by(col(NpsScore.scored_on).desc(), col(NpsScore.id).desc())
    ).first()
    advocate.nps = latest.score if latest else None
    advocate.nps_on = latest.scored_on if latest else None
    for kind, attribute in (
        (EventKind.milestone, "last_milestone_on"),
        (EventKind.complaint, "last_complaint_on"),
    ):
        last = session.exec(
            select(col(AdvocateEvent.happened_on))
            .where(AdvocateEvent.advocate_id == advocate.id, AdvocateEvent.kind == kind.value)
            .order_by(col(AdvocateEvent.happened_on).desc())
        ).first()
        setattr(advocate, attribute, last)
    rules.touch(session, advocate)


def delete_scores(session: Session, *, advocate: Advocate, on: date) -> int:
    scores = session.exec(
        select(NpsScore).where(NpsScore.advocate_id == advocate.id, NpsScore.scored_on == on)
    ).all()
    if not scores:
        raise NotFoundError(
            f"{advocate.name} has no score on {on}; see reftrack advocate show {advocate.id}"
        )
    for score in scores:
        session.delete(score)
    refresh_latest(session, advocate)
    return len(scores)


def delete_event(session: Session, *, event_id: int) -> AdvocateEvent:
    event = session.get(AdvocateEvent, event_id)
    if event is None:
        raise NotFoundError(f"no milestone or complaint #{event_id}; see reftrack advocate show")
    advocate = session.get(Advocate, event.advocate_id)
    session.delete(event)
    if advocate is not None:
        refresh_latest(session, advocate)
    return event
