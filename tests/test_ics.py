"""The iCalendar writer: one all-day event per open follow-up, stable UIDs."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from reftrack.db import open_database, resolve_url
from reftrack.db_file import SessionReader
from reftrack.files.ics import calendar_bytes, follow_up_uid
from reftrack.services.due import calendar_entries, due_items
from tests.helpers import Invoke, assert_one_line_error

pytestmark = pytest.mark.both_engines


def test_open_follow_ups_become_all_day_events(cli: Invoke, db_path) -> None:  # type: ignore[no-untyped-def]
    cli("advocate", "add", "Anna de Vries", "--nps", "9")
    cli("referral", "add", "anna", "Piet Bakker", "--organic", "--on", "2026-03-10")
    database = open_database(resolve_url(None))
    with database.session() as session:
        items = due_items(SessionReader(session), as_of=date(2026, 3, 16), until=date(2026, 12, 31))
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


def calendar_of(cli: Invoke, *args: str) -> tuple[bytes, dict[str, Any]]:
    result = cli("export", "followups", "--format", "ics", *args)
    assert result.exit_code == 0, result.stderr
    data = result.stdout.encode("utf-8")
    return data, {str(e["uid"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def seeded(cli: Invoke, tmp_path: Path) -> list[dict[str, Any]]:
    """Three follow-ups open, one done today; one cancelled 10 days ago, one done 40 days ago."""
    cli("advocate", "add", "Anna de Vries", "--nps", "9")
    cli("referral", "add", "anna", "Piet Bakker", "--organic", "--on", "2026-03-10")
    cli("followup", "add", "--advocate", "anna", "--due", "2026-04-01", "call back")
    old = tmp_path / "old.csv"
    old.write_text(
        "due_on,advocate_id,note,done_on,cancelled\n"
        "2026-03-01,1,lunch,2026-03-06,true\n"
        "2026-02-01,1,old call,2026-02-04,false\n"
    )
    assert cli("import", "followups", str(old)).exit_code == 0
    rows: list[dict[str, Any]] = json.loads(cli("export", "followups", "-f", "json").stdout)
    return rows


def test_done_and_cancelled_follow_ups_of_the_last_30_days_are_cancelled_events(
    cli: Invoke, tmp_path: Path
) -> None:
    rows = seeded(cli, tmp_path)
    thank, contact, details, call, lunch, old = (row["id"] for row in rows)
    before, events = calendar_of(cli)
    assert set(events) == {follow_up_uid(i) for i in (thank, contact, details, call, lunch)}
    assert follow_up_uid(old) not in events  # done more than 30 days ago
    assert str(events[follow_up_uid(lunch)]["status"]) == "CANCELLED"
    assert int(events[follow_up_uid(lunch)]["sequence"]) == 1
    assert str(events[follow_up_uid(call)]["status"]) == "CONFIRMED"
    assert int(events[follow_up_uid(call)]["sequence"]) == 0

    assert cli("followup", "done", str(call), "--note", "called").exit_code == 0
    after, events = calendar_of(cli)
    done = events[follow_up_uid(call)]  # still there, so that calendars drop it
    assert (str(done["status"]), int(done["sequence"])) == ("CANCELLED", 1)
    assert done["dtstart"].dt == date(2026, 4, 1)
    assert after != before
    assert cli("followup", "cancel", str(thank)).exit_code == 0
    _, events = calendar_of(cli)
    cancelled = events[follow_up_uid(thank)]
    assert (str(cancelled["status"]), int(cancelled["sequence"])) == ("CANCELLED", 1)
    assert str(cancelled["summary"]).startswith("Cancelled:")


def test_an_unchanged_book_exports_an_identical_calendar(cli: Invoke, tmp_path: Path) -> None:
    rows = seeded(cli, tmp_path)
    first, events = calendar_of(cli)
    time.sleep(1.1)  # DTSTAMP is to the second: the time of the export would show now
    assert calendar_of(cli)[0] == first
    assert all(event["dtstamp"].dt.tzinfo is not None for event in events.values())
    assert cli("followup", "done", str(rows[2]["id"])).exit_code == 0
    _, changed = calendar_of(cli)
    stamp = {uid: event["dtstamp"].dt for uid, event in changed.items()}
    assert stamp[follow_up_uid(rows[2]["id"])] > events[follow_up_uid(rows[2]["id"])]["dtstamp"].dt
    assert stamp[follow_up_uid(rows[0]["id"])] == events[follow_up_uid(rows[0]["id"])]["dtstamp"].dt


def test_alarm_adds_a_reminder_on_the_day(cli: Invoke, tmp_path: Path) -> None:
    seeded(cli, tmp_path)
    _, events = calendar_of(cli, "--alarm", "09:00")
    for event in events.values():
        alarms = event.walk("VALARM")
        if str(event["status"]) == "CANCELLED":
            assert alarms == []
            continue
        [alarm] = alarms
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm["trigger"].dt == timedelta(hours=9)
    _, plain = calendar_of(cli)
    assert all(event.walk("VALARM") == [] for event in plain.values())


@pytest.mark.parametrize("value", ["25:00", "9am", "", "09:60"])
def test_a_bad_alarm_is_a_usage_error(cli: Invoke, value: str) -> None:
    result = cli("export", "followups", "x.ics", "--alarm", value)
    assert_one_line_error(result, "is not a time of day; give HH:MM", code=2)


def test_alarm_and_bom_go_with_their_formats(cli: Invoke, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    assert_one_line_error(
        cli("export", "followups", str(tmp_path / "f.csv"), "--alarm", "09:00"),
        "--alarm is for a calendar",
    )
    assert_one_line_error(
        cli("export", "advocates", str(tmp_path / "a.json"), "--bom"), "--bom is for CSV"
    )
    assert not list(tmp_path.iterdir())


def test_the_suffix_chooses_the_format(cli: Invoke, tmp_path: Path) -> None:
    cli("advocate", "add", "Anna")
    cli("followup", "add", "--advocate", "anna", "--due", "2026-04-01", "call back")
    assert cli("export", "followups", str(tmp_path / "f.ics")).exit_code == 0
    assert (tmp_path / "f.ics").read_text().startswith("BEGIN:VCALENDAR")
    assert cli("export", "advocates", str(tmp_path / "a.json")).exit_code == 0
    assert json.loads((tmp_path / "a.json").read_text())[0]["name"] == "Anna"
