"""What is due: each open follow-up up to a date, said as the action to take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from reftrack.enums import FollowUpKind
from reftrack.services.followups import FollowUpView, views
from reftrack.services.rules import WON_THANK_NOTE


@dataclass
class DueItem:
    view: FollowUpView
    action: str
    days_late: int  # > 0 overdue, 0 due today, < 0 due in the future

    @property
    def overdue(self) -> bool:
        return self.days_late > 0


def _who(name: str | None, company: str | None) -> str:
    name = name or "someone"
    return f"{name} ({company})" if company else name


def _reach(*details: str | None) -> str:
    found = [d for d in details if d]
    return f" — {', '.join(found)}" if found else ""


def describe(view: FollowUpView) -> str:
    """The follow-up as an instruction a person can act on without looking anything up."""
    follow_up, advocate, referral, ask = view.follow_up, view.advocate, view.referral, view.ask
    kind = FollowUpKind(follow_up.kind)
    advocate_name = advocate.name if advocate else "the advocate"
    if kind is FollowUpKind.thank and referral is not None:
        if follow_up.note == WON_THANK_NOTE:
            text = f"Thank {advocate_name}: {referral.prospect} became a customer"
        else:
            text = f"Thank {advocate_name} for introducing {referral.prospect}"
        return text + _reach(
            advocate.email if advocate else None, advocate.phone if advocate else None
        )
    if kind is FollowUpKind.contact and referral is not None:
        verb = "Call" if referral.phone else "Contact"
        return (
            f"{verb} {_who(referral.prospect, referral.company)} ({referral.status}, "
            f"from {advocate_name})" + _reach(referral.phone, referral.email)
        )
    if kind is FollowUpKind.check_ask:
        asked = f" asked {ask.asked_on}" if ask else ""
        target = f" about {ask.target}" if ask and ask.target else ""
        return f"Check back with {advocate_name}{target} (no answer yet,{asked})" + _reach(
            advocate.phone if advocate else None, advocate.email if advocate else None
        )
    if kind is FollowUpKind.circle_back:
        asked = f" since the ask of {ask.asked_on}" if ask else ""
        return f"Circle back to {advocate_name}: any more names{asked}?" + _reach(
            advocate.phone if advocate else None, advocate.email if advocate else None
        )
    subject = referral.prospect if referral else advocate_name
    return f"{follow_up.note or 'Follow up'} ({subject})"


def due_items(session: Session, *, as_of: date, until: date | None = None) -> list[DueItem]:
    """Open follow-ups due on or before ``until`` (default ``as_of``), oldest first."""
    last = until or as_of
    return [
        DueItem(view=v, action=describe(v), days_late=(as_of - v.follow_up.due_on).days)
        for v in views(session, due_until=last)
    ]
