"""What the asking-well rules add to an ask and a referral (docs/rules.md): an ask for a
named target, an event invitation with its "whom did they bring?" the day after, and a
referral that reaches a target or answers an invitation."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session

from reftrack import dates
from reftrack.enums import FollowUpKind
from reftrack.errors import InvalidInputError
from reftrack.models import Ask, Referral
from reftrack.services import rules, targets

# "Golf day 2026-05-14": the event's date, written in its name
_EVENT_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")

# The one-line tip on an ask that names nobody (seeds: "not 'anyone who might be
# interested': who are one or two people you could introduce me to?")
UNSPECIFIC_TIP = (
    "tip: specific asks work better; name one or two people: --for TARGET (reftrack target "
    'list) or --target "the CFO of Gamma"'
)


def parse_event(text: str, *, event_on: str | None, today: date) -> tuple[str, date]:
    """The event's name and date: ``--event "Golf day 2026-05-14"`` or ``--event-on``."""
    name = text.strip()
    found = _EVENT_DATE.search(name)
    if event_on is not None:
        day = dates.parse_date(event_on, base=today, what="--event-on")
    elif found:
        day = dates.parse_date(found.group(1), base=today, what="--event")
        name = (name[: found.start()] + name[found.end() :]).strip(" -–,@")
    else:
        raise InvalidInputError(
            f'--event {text!r} has no date; write it in: --event "Golf day 2026-05-14", '
            "or give --event-on DATE"
        )
    if not name:
        raise InvalidInputError('--event is empty; name the event: --event "Golf day 2026-05-14"')
    return name, day


def event_note(name: str, event: str, *, bring: bool) -> str:
    first = name.split()[0] if name.split() else name
    if bring:
        return f"whom did {first} bring to {event}? get their details and follow up"
    return f"how was {event} for {first}? ask whom to invite next time"


def ask_logged(session: Session, *, ask: Ask, advocate_name: str) -> None:
    """An event invitation: the day after the event, ask whom they brought."""
    if ask.event is None or ask.event_on is None:
        return
    rules.schedule(
        session,
        kind=FollowUpKind.event_check,
        due_on=rules.add_days(ask.event_on, 1),
        advocate_id=ask.advocate_id,
        ask_id=ask.id,
        note=event_note(advocate_name, ask.event, bring=ask.bring),
    )


def referral_logged(session: Session, *, referral: Referral, ask: Ask | None) -> None:
    """A referral reaches its target (if it is one) and answers the event's question."""
    targets.referral_logged(session, referral=referral)
    if ask is None:
        return
    checks = rules.pending(session, kind=FollowUpKind.event_check, ask_id=ask.id)
    rules.close(session, checks, on=referral.received_on, outcome=f"brought {referral.prospect}")


def reached_text(session: Session, referral: Referral) -> str:
    """ "; target #3 Jan Pieters reached", for the confirmation of `referral add`."""
    reached = targets.reached_by(session, referral)
    return "".join(f"; target #{t.id} {targets.label(t)} reached" for t in reached)
