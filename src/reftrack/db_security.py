"""Who you are on a team's PostgreSQL database, and what its row-level security lets you
change (schema 0004).

The server is the guard: its policies let every role read every record and only the
record's owner, or a member of ``reftrack_admin``, insert, change or delete it. A refused
UPDATE is not an error to PostgreSQL (the row is merely invisible to it), so reftrack also
checks before it writes, to say whose record it is in one line instead of "0 rows".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel import Session

from reftrack.errors import NotYoursError

ADMIN_ROLE = "reftrack_admin"
OWNED_TABLES = ("advocate", "ask", "referral", "follow_up", "target", "note", "intro", "gift")
# these rows follow the owner of the record they belong to (table → that record's table)
FOLLOWS = {"nps_score": "advocate", "advocate_event": "advocate", "target_via": "target"}
JOURNAL = ("change_entry", "change_row")  # an entry is its owner's; its rows follow it (0005)
POLICIES = ("reftrack_read", "reftrack_insert", "reftrack_update", "reftrack_delete")

STALE = (
    "a record this command changes belongs to another salesperson (or was just deleted); "
    f"only its owner or a {ADMIN_ROLE} can change it; nothing was written"
)


@dataclass(frozen=True)
class Identity:
    """The database role you are connected as (the owner of what you log)."""

    role: str
    admin: bool  # a member of reftrack_admin
    bypasses: bool  # a superuser or BYPASSRLS role: the policies do not apply to it

    def may_change(self, owner: str | None) -> bool:
        return self.admin or self.bypasses or (owner is not None and owner == self.role)


def identify(connection: Connection) -> Identity:
    role, bypasses, admin = connection.exec_driver_sql(
        "SELECT current_user, r.rolsuper OR r.rolbypassrls, "
        f"CASE WHEN to_regrole('{ADMIN_ROLE}') IS NULL THEN false "
        f"ELSE pg_has_role(current_user, '{ADMIN_ROLE}', 'member') END "
        "FROM pg_roles r WHERE r.rolname = current_user"
    ).one()
    return Identity(role=str(role), admin=bool(admin), bypasses=bool(bypasses))


def noun(table: str) -> str:
    return table.replace("_", "-")


def refusal(table: str, record_id: Any, owner: str | None) -> str:
    what = f"{noun(table)} #{record_id}"
    if owner is None:
        return (
            f"{what} has no owner (logged before owners existed); only a {ADMIN_ROLE} can change it"
        )
    return f"{what} belongs to {owner}; only {owner} or a {ADMIN_ROLE} can change it"


def check(identity: Identity | None, table: str, record_id: Any, owner: str | None) -> None:
    """Refuse, in one line, a change the server's policies would refuse."""
    if identity is not None and not identity.may_change(owner):
        raise NotYoursError(refusal(table, record_id, owner))


def _stored_owner(record: Any) -> str | None:
    """The owner the row has in the database (the policies look at that, not a new one)."""
    history = inspect(record).attrs.owner.history
    return history.deleted[0] if history.deleted else record.owner


def guard_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Before a write session flushes: every changed or deleted record must be yours."""
    identity: Identity | None = session.info.get("identity")
    if identity is None or identity.admin or identity.bypasses:
        return
    from reftrack.models import Advocate, Target

    parents: dict[str, Any] = {"advocate": Advocate, "target": Target}
    with session.no_autoflush:
        changed = [r for r in session.dirty if session.is_modified(r)]
        for record in [*changed, *session.deleted, *session.new]:
            table = getattr(record, "__tablename__", "")
            if table in OWNED_TABLES and record not in session.new:
                check(identity, table, record.id, _stored_owner(record))
            elif table in FOLLOWS:
                parent = FOLLOWS[table]
                owning = session.get(parents[parent], getattr(record, f"{parent}_id"))
                if owning is not None:
                    check(identity, parent, owning.id, _stored_owner(owning))


_POLICY = re.compile(r'row-level security policy for table "(\w+)"')
_DENIED = re.compile(r"permission denied for (table|sequence|schema) (\w+)")


def describe_refusal(detail: str) -> str | None:
    """One line for a server's refusal (RLS, a missing GRANT, a role it may not create)."""
    lowered = detail.lower()
    if match := _POLICY.search(detail):
        table = match.group(1)
        owner = f"its {FOLLOWS[table]}'s owner" if table in FOLLOWS else "its owner"
        return (
            f"the server refused to write a {noun(table)} that is not yours (row-level security); "
            f"only {owner} or a {ADMIN_ROLE} can; nothing was written"
        )
    if "permission denied to create role" in lowered:
        return (
            f"the upgrade to schema 0004 needs the role {ADMIN_ROLE}; create it once as a "
            f"superuser (CREATE ROLE {ADMIN_ROLE} NOLOGIN;) and run reftrack again"
        )
    if "must be owner of" in lowered:
        return (
            "upgrading the schema needs the owner of its tables; run reftrack once as that "
            "role (see the README, 'A team on one PostgreSQL database')"
        )
    if match := _DENIED.search(lowered):
        return (
            f"your database role may not use {match.group(1)} {match.group(2)}; ask the "
            "database's owner to GRANT it (see the README, 'A team on one PostgreSQL database')"
        )
    return None


def row_security(connection: Connection) -> dict[str, Any]:
    """What doctor shows: RLS per table (off/on/forced) and the reftrack policies on it."""
    tables = (*OWNED_TABLES, *FOLLOWS, *JOURNAL)
    flags = {
        name: ("forced" if forced else "on") if enabled else "off"
        for name, enabled, forced in connection.exec_driver_sql(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace"
        )
        if name in tables
    }
    policies: dict[str, list[str]] = {table: [] for table in tables}
    for table, policy in connection.exec_driver_sql(
        "SELECT tablename, policyname FROM pg_policies "
        "WHERE schemaname = current_schema() ORDER BY tablename, policyname"
    ):
        if table in policies:
            policies[table].append(str(policy))
    return {"tables": {t: flags.get(t, "missing") for t in tables}, "policies": policies}


def problems(status: dict[str, Any]) -> list[str]:
    found = []
    for table, flag in status["tables"].items():
        missing = sorted(set(POLICIES) - set(status["policies"][table]))
        if flag != "forced":
            found.append(f"row-level security on {table} is {flag}, expected forced")
        if missing:
            found.append(f"{table} lacks the policies {', '.join(missing)}")
    return found
