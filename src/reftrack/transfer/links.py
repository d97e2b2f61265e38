"""The links of imported rows (the general path): advocates named instead of numbered,
ids that moved (``--new-ids``), ids that must exist, and advocates' ``referred_by`` set once
the referrals are in (``import all``). Each step keeps the rows it can and reports the rest.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.engine import Connection

from reftrack.db_security import check
from reftrack.files import tables
from reftrack.journal.record import Collector
from reftrack.records import CHUNK, DEFERRED
from reftrack.transfer.common import (
    HINT,
    LINKS,
    NOUN,
    ImportContext,
    ImportReport,
    chunks,
    table_of,
)


def resolve_advocates(
    connection: Connection,
    kind: str,
    context: ImportContext,
    report: ImportReport,
    rows: list[tables.Record],
) -> list[tables.Record]:
    """advocate_id from the file (renumbered by ``import all``), else by the name beside it."""
    if "advocate_id" not in LINKS[kind]:  # advocates themselves; targets
        return rows
    wanted = {
        r.advocate_name.casefold()
        for r in rows
        if r.values.get("advocate_id") is None and r.advocate_name
    }
    named: dict[str, list[int]] = {}
    if wanted:
        advocate = table_of("advocates")
        query = select(advocate.c.id, advocate.c.name).where(
            func.lower(advocate.c.name).in_(wanted)
        )
        for row in connection.execute(query.order_by(advocate.c.id)):
            named.setdefault(row.name.casefold(), []).append(row.id)
    kept = []
    for record in rows:
        given = record.values.get("advocate_id")
        if given is not None:
            record.values["advocate_id"] = context.remap.get(given, given)
        elif record.advocate_name:
            ids = named.get(record.advocate_name.casefold(), [])
            if len(ids) != 1:
                why = (
                    (
                        "several advocates have this name ("
                        + ", ".join(f"#{i}" for i in ids)
                        + "); give advocate_id"
                    )
                    if ids
                    else "there is no advocate of this name"
                )
                report.fail(
                    [tables.RowError(record.where, "advocate", f"{record.advocate_name!r}: {why}")]
                )
                continue
            record.values["advocate_id"] = ids[0]
        elif kind not in ("followups", "notes"):  # (those may be about something else)
            report.fail(
                [
                    tables.RowError(
                        record.where, "advocate_id", "is empty; every row needs its advocate"
                    )
                ]
            )
            continue
        kept.append(record)
    return kept


def follow_moved_links(
    kind: str, context: ImportContext, report: ImportReport, rows: list[tables.Record]
) -> list[tables.Record]:
    """With new ids, a link to an ask or referral follows it to its new id."""
    if not context.new_ids:
        return rows
    kept = []
    for record in rows:
        errors = []
        for column, linked in LINKS[kind].items():
            given = record.values.get(column)
            later = ("referred_by", DEFERRED.get(kind))  # (linked once every kind is in)
            deferred = column in later and context.defer_referred_by
            if given is None or linked not in context.moved or deferred:
                continue  # (a deferred referred_by follows in link_referrers)
            if given not in context.moved[linked]:
                errors.append(
                    tables.RowError(
                        record.where,
                        column,
                        f"{NOUN[linked]} #{given} is not in this import; "
                        "--new-ids needs the whole history (export all)",
                    )
                )
            else:
                record.values[column] = context.moved[linked][given]
        if errors:
            report.fail(errors)
        else:
            kept.append(record)
    return kept


def check_links(
    connection: Connection,
    kind: str,
    context: ImportContext,
    report: ImportReport,
    rows: list[tables.Record],
) -> list[tables.Record]:
    """Every id a row points at must exist (in the database or earlier in this import)."""
    links = dict(LINKS[kind])
    if context.defer_referred_by:
        links.pop("referred_by", None)
        links.pop(DEFERRED.get(kind, ""), None)
    missing: set[tuple[str, int]] = set()
    for column, linked in links.items():
        ids = {r.values[column] for r in rows if r.values.get(column) is not None}
        if ids:
            table = table_of(linked)
            found = set(connection.execute(select(table.c.id).where(table.c.id.in_(ids))).scalars())
            missing |= {(column, i) for i in ids - found}
    if not missing:
        return rows
    kept = []
    for record in rows:
        errors = [
            tables.RowError(
                record.where,
                column,
                f"there is no {NOUN[links[column]]} #{record.values[column]}"
                + HINT.get(column, ""),
            )
            for column in links
            if (column, record.values.get(column)) in missing
        ]
        if errors:
            report.fail(errors)
        else:
            kept.append(record)
    return kept


def link_referrers(connection: Connection, context: ImportContext, report: ImportReport) -> None:
    """Set advocate.referred_by once the referrals exist (``import all``)."""
    referral = table_of("referrals")
    if context.new_ids:  # the file's referral ids became new ones
        moved, kept = context.moved["referrals"], []
        for where, advocate_id, wanted in context.deferred:
            if wanted is not None and wanted not in moved:
                message = f"referral #{wanted} is not in this import"
                report.fail([tables.RowError(where, "referred_by", message)])
            else:
                kept.append((where, advocate_id, moved.get(wanted) if wanted else None))
        context.deferred = kept
    for chunk in chunks(context.deferred, CHUNK):
        ids = {wanted for _, _, wanted in chunk if wanted is not None}
        found = (
            set(connection.execute(select(referral.c.id).where(referral.c.id.in_(ids))).scalars())
            if ids
            else set()
        )
        rows = []
        for where, advocate_id, wanted in chunk:
            if wanted is not None and wanted not in found:
                report.fail(
                    [tables.RowError(where, "referred_by", f"there is no referral #{wanted}")]
                )
            else:
                rows.append({"b_id": advocate_id, "referred_by": wanted})
        if rows:
            advocate = table_of("advocates")
            if context.identity is not None:  # a team database: only your own advocates
                _check_owners(connection, context, advocate, [row["b_id"] for row in rows])
            if context.journal is not None:
                _journal_links(connection, context.journal, advocate, rows)
            statement = advocate.update().where(advocate.c.id == bindparam("b_id"))
            connection.execute(statement, rows)


def _check_owners(
    connection: Connection, context: ImportContext, advocate: Table, ids: list[int]
) -> None:
    """The policies would make an UPDATE of a colleague's advocate match no row, silently:
    refuse it in one line instead, as every other change is."""
    query = select(advocate.c.id, advocate.c.owner).where(advocate.c.id.in_(ids))
    for advocate_id, owner in connection.execute(query):
        check(context.identity, advocate.name, advocate_id, owner)


def _journal_links(
    connection: Connection, journal: Collector, advocate: Table, rows: list[dict[str, Any]]
) -> None:
    """What each advocate's referred_by was, for `undo`."""
    ids = [row["b_id"] for row in rows]
    query = select(advocate.c.id, advocate.c.referred_by).where(advocate.c.id.in_(ids))
    was = dict(connection.execute(query).all())
    for row in rows:
        journal.updated(
            advocate.name,
            row["b_id"],
            {"referred_by": was.get(row["b_id"])},
            {"referred_by": row["referred_by"]},
        )


def link_targets(connection: Connection, context: ImportContext, report: ImportReport) -> None:
    """Set ask.target_id once the targets are in (``import all``), as ``link_referrers``
    does for advocates: checked, journaled, only your own asks on a team database."""
    moved = context.moved["targets"] if context.new_ids else {}
    target, ask = table_of("targets"), table_of("asks")
    for chunk in chunks(context.deferred_targets, CHUNK):
        wanted = {moved.get(t, t) for _, _, t in chunk}
        found = set(
            connection.execute(select(target.c.id).where(target.c.id.in_(wanted))).scalars()
        )
        rows = []
        for where, ask_id, target_id in chunk:
            now = moved.get(target_id, target_id)
            if now not in found:
                report.fail(
                    [tables.RowError(where, "target_id", f"there is no target #{target_id}")]
                )
            else:
                rows.append({"b_id": ask_id, "target_id": now})
        if not rows:
            continue
        if context.identity is not None:
            query = select(ask.c.id, ask.c.owner).where(ask.c.id.in_([r["b_id"] for r in rows]))
            for ask_id, owner in connection.execute(query):
                check(context.identity, ask.name, ask_id, owner)
        if context.journal is not None:
            query = select(ask.c.id, ask.c.target_id).where(ask.c.id.in_([r["b_id"] for r in rows]))
            was = dict(connection.execute(query).all())
            for row in rows:
                context.journal.updated(
                    ask.name,
                    row["b_id"],
                    {"target_id": was.get(row["b_id"])},
                    {"target_id": row["target_id"]},
                )
        connection.execute(ask.update().where(ask.c.id == bindparam("b_id")), rows)
