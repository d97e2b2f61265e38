"""Export of records (docs/formats.md) from the database.

Rows stream from the driver cursor through ``records.*_row`` (the same strings as
``list --format csv``); CSV on SQLite is made in SQL instead (``transfer.fast.export_sql``),
byte for byte the same.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from reftrack import outreach_rows, records
from reftrack.files import writing
from reftrack.records import CHUNK
from reftrack.transfer import fast
from reftrack.transfer.common import table_of
from reftrack.transfer.fast import export_sql

if TYPE_CHECKING:
    from reftrack.files.ics import Entry


@dataclass
class ExportReport:
    kind: str
    rows: int


def _export_query(kind: str) -> Any:
    """Only the columns a row needs: timestamps would cost a third of the time unused."""
    advocate = table_of("advocates")
    table = table_of(kind)
    columns: list[Any] = [c for c in table.c if c.name not in ("created_at", "updated_at")]
    if kind == "advocates" or kind == "targets":
        return select(*columns).order_by(table.c.id)
    joined = table.outerjoin(advocate, advocate.c.id == table.c.advocate_id)
    columns.append(advocate.c.name.label("advocate_name"))
    if kind == "followups":
        referral = table_of("referrals")
        joined = joined.outerjoin(referral, referral.c.id == table.c.referral_id)
        columns.append(referral.c.prospect.label("referral_prospect"))
    if kind == "target_links":
        target = table_of("targets")
        joined = joined.outerjoin(target, target.c.id == table.c.target_id)
        columns.append(target.c.name.label("target_name"))
    return select(*columns).select_from(joined).order_by(table.c.id)


def export_rows(connection: Connection, *, kind: str) -> Iterator[dict[str, Any]]:
    """Canonical rows of ``kind``, streamed from the cursor (never all in memory).

    Each row goes through ``records.*_row`` as a namedtuple: its attributes read several
    times faster than a SQLAlchemy Row's, which matters at a million rows.
    """
    result = connection.execute(_export_query(kind), execution_options={"yield_per": CHUNK})
    factory: Any = namedtuple
    make = factory("ExportRow", list(result.keys()))._make
    for raw in result:
        row: Any = make(raw)
        if kind == "advocates":
            yield records.advocate_row(row)
        elif kind == "asks":
            yield records.ask_row(row, row.advocate_name)
        elif kind == "referrals":
            yield records.referral_row(row, row.advocate_name)
        elif kind == "scores":
            yield records.score_row(row, row.advocate_name)
        elif kind == "events":
            yield records.event_row(row, row.advocate_name)
        elif kind == "intros":
            yield outreach_rows.intro_row(row, row.advocate_name)
        elif kind == "gifts":
            yield outreach_rows.gift_row(row, row.advocate_name)
        elif kind == "targets":
            yield outreach_rows.target_row(row)
        elif kind == "target_links":
            yield outreach_rows.target_link_row(row, row.target_name, row.advocate_name)
        elif kind == "notes":
            yield outreach_rows.note_row(row, row.advocate_name)
        else:
            yield records.followup_row(row, row.advocate_name, row.referral_prospect)


def export_table(session: Session, *, kind: str, stream: IO[str], fmt: str = "csv") -> ExportReport:
    """Write every record of ``kind`` to ``stream`` as CSV (formula-safe) or JSON."""
    connection = session.connection()
    if fmt != "json" and fast.usable(connection):
        return ExportReport(kind, export_sql.write_csv(connection, kind, stream))
    rows = export_rows(connection, kind=kind)
    write = writing.write_json if fmt == "json" else writing.write_csv
    return ExportReport(kind, write(stream, records.COLUMNS[kind], rows))


def closed_follow_ups(session: Session, *, since: date) -> list[Entry]:
    """Follow-ups done or cancelled on or after ``since``, as calendar events to cancel."""
    from reftrack.files.ics import Entry

    follow_up, advocate = table_of("followups"), table_of("advocates")
    query = (
        select(follow_up, advocate.c.name.label("advocate_name"))
        .select_from(follow_up.outerjoin(advocate, advocate.c.id == follow_up.c.advocate_id))
        .where(follow_up.c.done_on.is_not(None), follow_up.c.done_on >= since)
        .order_by(follow_up.c.id)
    )
    entries = []
    for row in session.connection().execute(query):
        what = "cancelled" if row.cancelled else "done"
        who = f" ({row.advocate_name})" if row.advocate_name else ""
        entries.append(
            Entry(
                follow_up_id=row.id,
                due_on=row.due_on,
                kind=row.kind,
                summary=f"{what.capitalize()}: {row.note or row.kind.replace('_', ' ')}{who}",
                note=row.note,
                stamp=row.updated_at,
                closed=True,
            )
        )
    return entries
