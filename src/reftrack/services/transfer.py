"""Import and export of records (PRODUCT.md §7), against the database.

Export streams rows from the driver cursor through ``records.*_row`` (the same strings as
``list --format csv``). Import is one transaction: rows are read, checked and written in
chunks with ``executemany``; any bad row, or a dry run, rolls everything back. Records are
restored as they are: the follow-up rules of §4 do not run. Matching: by id; advocates
then by email (case-insensitive), then by name + company.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from reftrack import csvio, records
from reftrack.services import transfer_export
from reftrack.services.transfer_common import (
    KINDS,
    Action,
    ImportContext,
    ImportReport,
    table_of,
)
from reftrack.services.transfer_import import Importer
from reftrack.services.transfer_links import link_referrers

__all__ = ["KINDS", "Action", "ExportReport", "ImportReport", "export_table", "import_tables"]
CHUNK = 2000


@dataclass
class ExportReport:
    kind: str
    rows: int


def _export_query(kind: str) -> Any:
    """Only the columns a row needs: timestamps would cost a third of the time unused."""
    advocate = table_of("advocates")
    table = table_of(kind)
    columns: list[Any] = [c for c in table.c if c.name not in ("created_at", "updated_at")]
    if kind == "advocates":
        return select(*columns).order_by(table.c.id)
    joined = table.outerjoin(advocate, advocate.c.id == table.c.advocate_id)
    columns.append(advocate.c.name.label("advocate_name"))
    if kind == "followups":
        referral = table_of("referrals")
        joined = joined.outerjoin(referral, referral.c.id == table.c.referral_id)
        columns.append(referral.c.prospect.label("referral_prospect"))
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
        else:
            yield records.followup_row(row, row.advocate_name, row.referral_prospect)


def export_table(session: Session, *, kind: str, stream: IO[str], fmt: str = "csv") -> ExportReport:
    """Write every record of ``kind`` to ``stream`` as CSV (formula-safe) or JSON."""
    connection = session.connection()
    if fmt != "json" and connection.dialect.name == "sqlite":
        return ExportReport(kind, transfer_export.write_csv(connection, kind, stream))
    rows = export_rows(connection, kind=kind)
    write = csvio.write_json if fmt == "json" else csvio.write_csv
    return ExportReport(kind, write(stream, records.COLUMNS[kind], rows))


def _sync_sequences(connection: Connection, kinds: Iterable[str]) -> None:
    """Ids were given explicitly: PostgreSQL's sequences must move past them."""
    if connection.dialect.name != "postgresql":
        return
    for kind in kinds:
        name = table_of(kind).name
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
        )


def import_tables(
    session: Session,
    *,
    tables: Mapping[str, csvio.Table],
    today: date,
    dry_run: bool = False,
    owner: str | None = None,
    new_ids: bool = False,
    on_action: Callable[[Action], None] | None = None,
    progress: Callable[[], None] | None = None,
) -> list[ImportReport]:
    """Import one kind, or several (``import all``) in the order that keeps links valid.

    Everything happens in the session's transaction; when any row is bad, or on a dry run,
    the transaction is rolled back before returning: nothing is written.
    """
    connection = session.connection()
    context = ImportContext(
        today=today,
        on_action=on_action,
        defer_referred_by=len(tables) > 1,
        owner=owner,
        new_ids=new_ids,
    )
    reports = []
    for kind in KINDS:
        if kind not in tables:
            continue
        table = tables[kind]
        report = ImportReport(kind, table.name, dry_run=dry_run)
        importer = Importer(
            connection,
            kind,
            report,
            context,
            canonical="id" in table.plan.fields,
            has_owner_column="owner" in table.plan.fields,
        )
        importer.run(table, progress)
        report.blank = table.blank
        reports.append(report)
    if context.deferred:
        link_referrers(connection, context, reports[0])
    _sync_sequences(connection, tables)
    if dry_run or any(report.bad_rows for report in reports):
        session.rollback()
    return reports
