"""Follow-ups as an iCalendar file: one all-day event each.

UIDs are derived from the follow-up id, so a calendar that re-imports a later export
updates the events it has instead of adding copies. A follow-up done or cancelled in the
last ``CANCELLED_FOR_DAYS`` days is written once more with ``STATUS:CANCELLED`` and a
higher ``SEQUENCE``, so a calendar that imported it when it was open drops it. ``DTSTAMP``
is the record's last change, so an unchanged book exports a byte-identical file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event

CANCELLED_FOR_DAYS = 30
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    """One follow-up as the calendar shows it."""

    follow_up_id: int
    due_on: date
    kind: str
    summary: str  # what to do
    note: str | None = None
    stamp: datetime | str | None = None  # the record's updated_at (UTC)
    closed: bool = False  # done or cancelled: the calendar should drop it


def follow_up_uid(follow_up_id: int) -> str:
    return f"followup-{follow_up_id}@reftrack"


def _utc(stamp: datetime | str | None) -> datetime:
    if stamp is None:
        return _EPOCH
    if isinstance(stamp, str):  # as SQLite stores it: 2026-03-16 10:11:12.123456 (UTC)
        stamp = datetime.fromisoformat(stamp)
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC).replace(microsecond=0)


def calendar_bytes(entries: Iterable[Entry], *, alarm: time | None = None) -> bytes:
    """The calendar; ``alarm``: a reminder at that time of day on each open follow-up's day."""
    calendar = Calendar()
    calendar.add("prodid", "-//reftrack//follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "reftrack follow-ups")
    for entry in entries:
        event = Event()
        event.add("uid", follow_up_uid(entry.follow_up_id))
        event.add("dtstamp", _utc(entry.stamp))
        event.add("dtstart", entry.due_on)
        event.add("dtend", entry.due_on + timedelta(days=1))
        event.add("summary", entry.summary)
        event.add("sequence", 1 if entry.closed else 0)
        event.add("status", "CANCELLED" if entry.closed else "CONFIRMED")
        details = [f"reftrack followup done {entry.follow_up_id}"]
        if entry.note:
            details.insert(0, entry.note)
        event.add("description", "\n".join(details))
        event.add("categories", [entry.kind])
        if alarm is not None and not entry.closed:
            reminder = Alarm()
            reminder.add("action", "DISPLAY")
            reminder.add("description", entry.summary)
            # an all-day event starts at midnight of its day: the reminder, hours after
            reminder.add("trigger", timedelta(hours=alarm.hour, minutes=alarm.minute))
            event.add_component(reminder)
        calendar.add_component(event)
    return calendar.to_ical()
