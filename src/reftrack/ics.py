"""Open follow-ups as an iCalendar file: one all-day event each.

UIDs are derived from the follow-up id, so a calendar that re-imports a later export
updates the events it has instead of adding copies.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from icalendar import Calendar, Event

if TYPE_CHECKING:
    from reftrack.services.due import DueItem


def follow_up_uid(follow_up_id: int) -> str:
    return f"followup-{follow_up_id}@reftrack"


def calendar_bytes(items: Iterable[DueItem], *, stamp: datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//reftrack//follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "reftrack follow-ups")
    stamp = stamp or datetime.now(UTC)
    for item in items:
        follow_up = item.view.follow_up
        assert follow_up.id is not None
        event = Event()
        event.add("uid", follow_up_uid(follow_up.id))
        event.add("dtstamp", stamp)
        event.add("dtstart", follow_up.due_on)
        event.add("dtend", follow_up.due_on + timedelta(days=1))
        event.add("summary", item.action)
        details = [f"reftrack followup done {follow_up.id}"]
        if follow_up.note:
            details.insert(0, follow_up.note)
        event.add("description", "\n".join(details))
        event.add("categories", [follow_up.kind])
        calendar.add_component(event)
    return calendar.to_ical()
