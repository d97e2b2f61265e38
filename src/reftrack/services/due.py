"""What is due: each open follow-up up to a date, said as the action to take.

`reftrack due` runs every morning, from cron too, so it reads with one SQL statement over
the tables, not through the ORM models, and on a SQLite file through the standard
library's sqlite3 (db_file: SQLAlchemy alone costs more to import than the rest of the
command). The follow-up comes back with every column the table has, as a plain object
with the same attributes as the model (dates as dates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from reftrack.db_file import as_date
from reftrack.enums import WON_THANK_NOTE, FollowUpKind

if TYPE_CHECKING:
    from reftrack.db_file import Reader
    from reftrack.files.ics import Entry

# Open follow-ups due by :last with the names needed to say what to do; f.* so that a
# column added later (owner) comes along. The joined columns carry a prefix. An archived
# advocate's follow-ups are left out (archiving cancels them; older books may keep some).
_DUE = """
SELECT f.*,
       a.name AS a__name, a.email AS a__email, a.phone AS a__phone,
       r.prospect AS r__prospect, r.company AS r__company, r.phone AS r__phone,
       r.email AS r__email, r.status AS r__status,
       k.asked_on AS k__asked_on, k.target AS k__target
FROM follow_up AS f
LEFT JOIN advocate AS a ON a.id = f.advocate_id
LEFT JOIN referral AS r ON r.id = f.referral_id
LEFT JOIN ask AS k ON k.id = f.ask_id
WHERE f.done_on IS NULL AND f.due_on <= :last AND (a.id IS NULL OR NOT a.archived){scope}
ORDER BY f.due_on, f.id
"""
# What a session scoped to one owner sees (as db.py does for ORM reads): theirs and the
# unowned, older records.
_SCOPE = " AND (f.owner = :owner OR f.owner IS NULL)"
_DATES = ("due_on", "done_on", "asked_on")


@dataclass
class DueView:
    """A follow-up with the names needed to say what to do (attributes as on the models)."""

    follow_up: Any
    advocate: Any
    referral: Any
    ask: Any

    @property
    def advocate_name(self) -> str | None:
        return self.advocate.name if self.advocate else None

    @property
    def prospect(self) -> str | None:
        return self.referral.prospect if self.referral else None


def _part(values: dict[str, Any], key: str) -> Any:
    """The joined record, or None when the follow-up has none (its key column is null)."""
    return SimpleNamespace(**values) if values.get(key) is not None else None


def open_views(reader: Reader, *, due_until: date) -> list[DueView]:
    """Open follow-ups due on or before ``due_until``, with their subjects, by due date."""
    owner = reader.scope_owner
    params: dict[str, Any] = {"last": due_until}
    if owner is not None:
        params["owner"] = owner
    views = []
    for row in reader.rows(_DUE.format(scope=_SCOPE if owner is not None else ""), params):
        parts: dict[str, dict[str, Any]] = {"f": {}, "a": {}, "r": {}, "k": {}}
        for key, value in row.items():
            prefix, _, name = key.rpartition("__")
            column = name if prefix else key
            parts[prefix or "f"][column] = as_date(value) if column in _DATES else value
        views.append(
            DueView(
                follow_up=SimpleNamespace(**parts["f"]),
                advocate=_part(parts["a"], "name"),
                referral=_part(parts["r"], "prospect"),
                ask=_part(parts["k"], "asked_on"),
            )
        )
    return views


@dataclass
class DueItem:
    view: DueView
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


def describe(view: DueView) -> str:
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
        asked = f"ask #{follow_up.ask_id} of {ask.asked_on}, " if ask else ""
        target = f" about {ask.target}" if ask and ask.target else ""
        return f"Check back with {advocate_name}{target} ({asked}no answer yet)" + _reach(
            advocate.phone if advocate else None, advocate.email if advocate else None
        )
    if kind is FollowUpKind.circle_back:
        asked = f" since the ask of {ask.asked_on}" if ask else ""
        return f"Circle back to {advocate_name}: any more names{asked}?" + _reach(
            advocate.phone if advocate else None, advocate.email if advocate else None
        )
    if kind in _SAID_BY_NOTE and follow_up.note:
        on_ask = f" (ask #{follow_up.ask_id})" if follow_up.ask_id is not None else ""
        text = follow_up.note[:1].upper() + follow_up.note[1:]
        return (
            text
            + on_ask
            + _reach(advocate.phone if advocate else None, advocate.email if advocate else None)
        )
    subject = referral.prospect if referral else advocate_name
    return f"{follow_up.note or 'Follow up'} ({subject})"


# the kinds of rules part two (docs/rules.md): their note (from services/rules.py) says it
_SAID_BY_NOTE = frozenset(
    {
        FollowUpKind.details,
        FollowUpKind.check_promise,
        FollowUpKind.collect,
        FollowUpKind.value_check,
        FollowUpKind.intro_check,
    }
)


def due_items(reader: Reader, *, as_of: date, until: date | None = None) -> list[DueItem]:
    """Open follow-ups due on or before ``until`` (default ``as_of``), oldest first."""
    last = until or as_of
    return [
        DueItem(view=v, action=describe(v), days_late=(as_of - v.follow_up.due_on).days)
        for v in open_views(reader, due_until=last)
    ]


def calendar_entries(items: list[DueItem]) -> list[Entry]:
    """The items as calendar events (``export followups --format ics``)."""
    from reftrack.files.ics import Entry  # icalendar: not for every `due`

    return [
        Entry(
            follow_up_id=item.view.follow_up.id,
            due_on=item.view.follow_up.due_on,
            kind=item.view.follow_up.kind,
            summary=item.action,
            note=item.view.follow_up.note,
            stamp=item.view.follow_up.updated_at,
        )
        for item in items
    ]
