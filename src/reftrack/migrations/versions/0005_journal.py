"""The change journal (`log`, `undo`), cancelled follow-ups, an advocate's title and URL.

Revision ID: 0005
Revises: 0004

``change_entry`` is one command that wrote (its command line, when, by whom);
``change_row`` is one row it inserted, updated or deleted, with the row's state before and
after as JSON. An import's new rows are kept as id ranges (``row_id`` to ``last_id``, no
JSON): undoing them is deleting the range, and writing 100k JSON copies would cost more
than the import. ``follow_up.cancelled`` marks a follow-up closed as not needed: it has a
``done_on`` (it is no longer open) but is not counted as done in ``followups_on_time``.
``advocate.title`` and ``advocate.url`` hold a LinkedIn connection's position and profile.

On PostgreSQL everyone reads the journal; an entry (and its rows) may be written or marked
undone by its owner or a ``reftrack_admin``, as the records themselves (0004).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ADMIN = "reftrack_admin"
IS_ADMIN = f"(SELECT pg_has_role(current_user, '{ADMIN}', 'member'))"
RULES = {
    "change_entry": f"(owner = current_user::text OR {IS_ADMIN})",
    "change_row": (
        "(EXISTS (SELECT 1 FROM change_entry e WHERE e.id = change_row.entry_id "
        f"AND (e.owner = current_user::text OR {IS_ADMIN})))"
    ),
}


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column(
        "follow_up",
        sa.Column("cancelled", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("advocate", sa.Column("title", sa.String()))
    op.add_column("advocate", sa.Column("url", sa.String()))
    op.create_table(
        "change_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("owner", sa.String()),
        sa.Column("command", sa.String(), nullable=False),
        sa.Column("undone_at", sa.DateTime()),
        sa.Column("undone_by", sa.String()),
    )
    op.create_index("ix_change_entry_owner", "change_entry", ["owner"])
    op.create_table(
        "change_row",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("change_entry.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer()),
        sa.Column("op", sa.String(), nullable=False),
        sa.Column("before", sa.Text()),
        sa.Column("after", sa.Text()),
        sa.CheckConstraint("op IN ('insert', 'update', 'delete')", name="ck_op_valid"),
    )
    op.create_index("ix_change_row_entry_id", "change_row", ["entry_id"])
    op.create_index("ix_change_row_table_row", "change_row", ["table_name", "row_id"])
    if not postgres:
        return
    op.execute("ALTER TABLE change_entry ALTER COLUMN owner SET DEFAULT current_user")
    for table, rule in RULES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY reftrack_read ON {table} FOR SELECT USING (true)")
        op.execute(f"CREATE POLICY reftrack_insert ON {table} FOR INSERT WITH CHECK {rule}")
        op.execute(
            f"CREATE POLICY reftrack_update ON {table} FOR UPDATE USING {rule} WITH CHECK {rule}"
        )
        op.execute(f"CREATE POLICY reftrack_delete ON {table} FOR DELETE USING {rule}")


def downgrade() -> None:
    op.drop_table("change_row")
    op.drop_table("change_entry")
    with op.batch_alter_table("follow_up") as batch:
        batch.drop_column("cancelled")
    with op.batch_alter_table("advocate") as batch:
        batch.drop_column("url")
        batch.drop_column("title")
