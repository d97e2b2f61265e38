"""On PostgreSQL, the server decides who may change a record: row-level security.

Revision ID: 0004
Revises: 0003

Each salesperson connects as their own database role. A record's ``owner`` defaults to the
role that inserts it (``current_user``), and the policies below let everyone read every
record, and only its owner, or a member of the group role ``reftrack_admin``, insert,
change or delete it. The NPS history and the milestones/complaints of an advocate follow
the advocate's owner. Records logged before owners existed (owner NULL) may be changed by
a ``reftrack_admin`` only.

Row security is FORCEd, so the tables' owner (usually whoever ran the first reftrack) is
held to the same policies as everyone else when using reftrack; it can still run schema
upgrades (DDL is not filtered) and could lift the policies with ALTER TABLE, as can a
superuser or a role with BYPASSRLS, who bypass them anyway (see the README).

A no-op on SQLite: a file has no roles; its only access control is its file permissions.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OWNED = ("advocate", "ask", "referral", "follow_up")
OF_ADVOCATE = ("nps_score", "advocate_event")  # their rows follow the advocate's owner
ADMIN = "reftrack_admin"

IS_ADMIN = f"(SELECT pg_has_role(current_user, '{ADMIN}', 'member'))"
CREATE_ADMIN = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ADMIN}') THEN
        CREATE ROLE {ADMIN} NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object THEN NULL;  -- another database's upgrade made it meanwhile
END
$$
"""


def _may_change(table: str) -> str:
    if table in OWNED:
        return f"(owner = current_user::text OR {IS_ADMIN})"
    return (
        f"(EXISTS (SELECT 1 FROM advocate a WHERE a.id = {table}.advocate_id "
        f"AND (a.owner = current_user::text OR {IS_ADMIN})))"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CREATE_ADMIN)
    for table in OWNED:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN owner SET DEFAULT current_user")
    for table in (*OWNED, *OF_ADVOCATE):
        rule = _may_change(table)
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY reftrack_read ON {table} FOR SELECT USING (true)")
        op.execute(f"CREATE POLICY reftrack_insert ON {table} FOR INSERT WITH CHECK {rule}")
        op.execute(
            f"CREATE POLICY reftrack_update ON {table} FOR UPDATE USING {rule} WITH CHECK {rule}"
        )
        op.execute(f"CREATE POLICY reftrack_delete ON {table} FOR DELETE USING {rule}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in (*OWNED, *OF_ADVOCATE):
        for policy in ("read", "insert", "update", "delete"):
            op.execute(f"DROP POLICY IF EXISTS reftrack_{policy} ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for table in OWNED:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN owner DROP DEFAULT")
    # reftrack_admin stays: roles belong to the whole server, other databases may use it
