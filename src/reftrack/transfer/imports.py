"""Import of records (docs/formats.md) into the database.

Import is one transaction: rows are read, checked and written in chunks with
``executemany``; any bad row, or a dry run, rolls everything back. Records are restored as
they are: the follow-up rules do not run. Matching: by id; advocates then by e-mail
(case-insensitive), then by name + company.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from reftrack.files import tables
from reftrack.journal.record import collector_of
from reftrack.transfer.common import (
    KINDS,
    Action,
    ImportContext,
    ImportReport,
    table_of,
    table_of_scores,
)
from reftrack.transfer.importer import Importer
from reftrack.transfer.links import link_referrers, link_targets


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


def _last_id(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.max(table.c.id))).scalar() or 0)


def import_tables(
    session: Session,
    *,
    tables: Mapping[str, tables.Table],
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
        identity=session.info.get("identity"),
        derive_scores="scores" not in tables,
        journal=collector_of(session),
    )
    scores_before = _last_id(connection, table_of_scores())
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
        report.named = dict(table.named)
        reports.append(report)
    if context.deferred:
        link_referrers(connection, context, reports[0])
    if context.deferred_targets:
        asks = next(r for r in reports if r.kind == "asks")
        link_targets(connection, context, asks)
    _sync_sequences(connection, tables)
    if context.journal is not None and context.derive_scores:
        # the scores' history is written without ids: under the write lock the new ones
        # are the ids above the largest before the import
        scores_after = _last_id(connection, table_of_scores())
        context.journal.inserted("nps_score", range(scores_before + 1, scores_after + 1))
    if dry_run or any(report.bad_rows for report in reports):
        session.rollback()
        if context.journal is not None:
            context.journal.discard()
    return reports
