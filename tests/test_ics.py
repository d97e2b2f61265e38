"""The iCalendar writer: one all-day event per open follow-up, stable UIDs."""

from __future__ import annotations

from datetime import date

import pytest
from icalendar import Calendar

from reftrack.db import open_database, resolve_url
from reftrack.files.ics import calendar_bytes, follow_up_uid
from reftrack.services.due import calendar_entries, due_items
from tests.helpers import Invoke

pytestmark = pytest.mark.both_engines


def test_open_follow_ups_become_all_day_events(cli: Invoke, db_path) -> None:  # type: ignore[no-untyped-def]
    cli("advocate", "add", "Anna de Vries", "--nps", "9")
    cli("referral", "add", "anna", "Piet Bakker", "--organic", "--on", "2026-03-10")
    database = open_database(resolve_url(None))
    with database.session() as session:
        items = due_items(session, as_of=date(2026, 3, 16), until=date(2026, 12, 31))
    database.engine.dispose()
    first = calendar_bytes(calendar_entries(items))
    second = calendar_bytes(calendar_entries(items))
    events = Calendar.from_ical(first).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "Thank Anna de Vries for introducing Piet Bakker",
        "Contact Piet Bakker (new, from Anna de Vries)",
        "Ask Anna de Vries for Piet Bakker's phone or e-mail",  # none came with him
    ]
    assert events[0]["dtstart"].dt == date(2026, 3, 10)
    assert events[0]["dtend"].dt == date(2026, 3, 11)
    uids = [str(e["uid"]) for e in events]
    assert uids == [follow_up_uid(i.view.follow_up.id or 0) for i in items]
    assert uids == [str(e["uid"]) for e in Calendar.from_ical(second).walk("VEVENT")]
