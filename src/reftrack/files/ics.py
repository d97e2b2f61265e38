"""Open follow-ups as an iCalendar file: one all-day event each.

UIDs are derived from the follow-up id, so a calendar that re-imports a later export
updates the events it has instead of adding copies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event


@dataclass(frozen=True)
class Entry:
    """One follow-up as the calendar shows it."""

    follow_up_id: int
    due_on: date
    kind: str
    summary: str  # what to do
    note: str | None = None


def follow_up_uid(follow_up_id: int) -> str:
    return f"followup-{follow_up_id}@reftrack"


def calendar_bytes(entries: Iterable[Entry], *, stamp: datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//reftrack//follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "reftrack follow-ups")
    stamp = stamp or datetime.now(UTC)
    for entry in entries:
        event = Event()
        event.add("uid", follow_up_uid(entry.follow_up_id))
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.due_on)
        event.add("dtend", entry.due_on + timedelta(days=1))
        event.add("summary", entry.summary)
        details = [f"reftrack followup done {entry.follow_up_id}"]
        if entry.note:
            details.insert(0, entry.note)
        event.add("description", "\n".join(details))
        event.add("categories", [entry.kind])
        calendar.add_component(event)
    return calendar.to_ical()
