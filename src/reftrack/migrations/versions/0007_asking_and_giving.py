"""Asking well and giving back: targets, notes, introductions given, thank-you gifts.

Revision ID: 0007
Revises: 0006

New tables:

- ``target``: a person you want to meet (`target add`); ``target_via`` the advocates who
  know them. An ask may name one (``ask.target_id``); a referral of them closes it.
- ``note``: the dated interaction log (`note add`), about exactly one advocate, referral
  or ask.
- ``intro``: an introduction you gave an advocate (`intro give`); its ``intro_check``
  follow-up links to it (``follow_up.intro_id``).
- ``gift``: a thank-you with its cost (`gift add`), perhaps for one referral.

New columns: ``ask.event``/``event_on``/``bring`` (an invitation with a plus-one, and the
``event_check`` follow-up kind the day after), ``follow_up.link`` (where a collected
testimonial was published), ``advocate.value_cents_per_year`` and ``advocate.churned_on``.

SQLite rebuilds ``advocate``, ``ask`` and ``follow_up`` (a new CHECK or foreign key), with
foreign keys off as in 0006 (migrations/runner.py). On PostgreSQL the new tables are under
row security like the records of 0004: a target, note, intro or gift is its owner's, and
``target_via`` follows its target's owner.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Frozen copy of the enumeration as it is in this revision (see 0001).
FOLLOW_UP_KINDS = (
    "thank",
    "contact",
    "check_ask",
    "circle_back",
    "custom",
    "details",
    "check_promise",
    "collect",
    "value_check",
    "intro_check",
    "event_check",
)
OLD_FOLLOW_UP_KINDS = FOLLOW_UP_KINDS[:-1]
OWNED = ("target", "note", "intro", "gift")
ADMIN = "reftrack_admin"
IS_ADMIN = f"(SELECT pg_has_role(current_user, '{ADMIN}', 'member'))"
RULES = {
    **{table: f"(owner = current_user::text OR {IS_ADMIN})" for table in OWNED},
    "target_via": (
        "(EXISTS (SELECT 1 FROM target t WHERE t.id = target_via.target_id "
        f"AND (t.owner = current_user::text OR {IS_ADMIN})))"
    ),
}
# exactly one of a note's three subjects (portable: PostgreSQL cannot add booleans)
ONE_SUBJECT = (
    " + ".join(
        f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
        for column in ("advocate_id", "referral_id", "ask_id")
    )
    + " = 1"
)


def _kinds(values: tuple[str, ...]) -> str:
    return f"kind IN ({', '.join(repr(v) for v in values)})"


def _logged() -> list[sa.Column]:
    return [
        sa.Column("owner", sa.String()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def _key(table: str, ondelete: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(
        f"{table}_id",
        sa.Integer(),
        sa.ForeignKey(f"{table}.id", ondelete=ondelete),
        nullable=nullable,
    )


def _create_tables() -> None:
    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_logged(),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("company", sa.String()),
        sa.Column("title", sa.String()),
        sa.Column("url", sa.String()),
        sa.Column("notes", sa.String()),
        _key("referral", "SET NULL"),
        sa.Column("closed_on", sa.Date()),
        sa.Column("dropped_on", sa.Date()),
    )
    op.create_table(
        "target_via",
        sa.Column("id", sa.Integer(), primary_key=True),
        _key("target", "CASCADE", nullable=False),
        _key("advocate", "CASCADE", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("target_id", "advocate_id", name="uq_target_via"),
    )
    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_logged(),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        _key("advocate", "CASCADE"),
        _key("referral", "CASCADE"),
        _key("ask", "CASCADE"),
        sa.CheckConstraint(
            ONE_SUBJECT,
            name="ck_note_one_subject",
        ),
    )
    op.create_table(
        "intro",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_logged(),
        _key("advocate", "CASCADE", nullable=False),
        sa.Column("to_whom", sa.String(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.String()),
    )
    op.create_table(
        "gift",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_logged(),
        _key("advocate", "CASCADE", nullable=False),
        sa.Column("what", sa.String(), nullable=False),
        sa.Column("cost_cents", sa.BigInteger()),
        _key("referral", "SET NULL"),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.String()),
        sa.CheckConstraint("cost_cents IS NULL OR cost_cents >= 0", name="ck_cost_positive"),
    )
    indexes = {
        "target": ("owner", "referral_id", "name"),
        "target_via": ("target_id", "advocate_id"),
        "note": ("owner", "advocate_id", "referral_id", "ask_id"),
        "intro": ("owner", "advocate_id"),
        "gift": ("owner", "advocate_id", "referral_id"),
    }
    for table, columns in indexes.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])


def _add_columns() -> None:
    with op.batch_alter_table("advocate", recreate="auto") as batch:
        batch.add_column(sa.Column("value_cents_per_year", sa.BigInteger()))
        batch.add_column(sa.Column("churned_on", sa.Date()))
        batch.create_check_constraint(
            "ck_value_per_year_positive",
            "value_cents_per_year IS NULL OR value_cents_per_year >= 0",
        )
    with op.batch_alter_table("ask", recreate="auto") as batch:
        batch.add_column(sa.Column("target_id", sa.Integer()))
        batch.add_column(sa.Column("event", sa.String()))
        batch.add_column(sa.Column("event_on", sa.Date()))
        batch.add_column(
            sa.Column("bring", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_foreign_key(
            "fk_ask_target_id", "target", ["target_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_ask_target_id", ["target_id"])
    with op.batch_alter_table("follow_up", recreate="auto") as batch:
        batch.add_column(sa.Column("intro_id", sa.Integer()))
        batch.add_column(sa.Column("link", sa.String()))
        batch.create_foreign_key(
            "fk_follow_up_intro_id", "intro", ["intro_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_follow_up_intro_id", ["intro_id"])
        batch.drop_constraint("ck_kind_valid", type_="check")
        batch.create_check_constraint("ck_kind_valid", _kinds(FOLLOW_UP_KINDS))


def _secure() -> None:
    for table in OWNED:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN owner SET DEFAULT current_user")
    for table, rule in RULES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY reftrack_read ON {table} FOR SELECT USING (true)")
        op.execute(f"CREATE POLICY reftrack_insert ON {table} FOR INSERT WITH CHECK {rule}")
        op.execute(
            f"CREATE POLICY reftrack_update ON {table} FOR UPDATE USING {rule} WITH CHECK {rule}"
        )
        op.execute(f"CREATE POLICY reftrack_delete ON {table} FOR DELETE USING {rule}")


def upgrade() -> None:
    _create_tables()
    _add_columns()
    if op.get_bind().dialect.name == "postgresql":
        _secure()


def downgrade() -> None:
    with op.batch_alter_table("follow_up", recreate="auto") as batch:
        batch.drop_constraint("ck_kind_valid", type_="check")
        batch.create_check_constraint("ck_kind_valid", _kinds(OLD_FOLLOW_UP_KINDS))
        batch.drop_index("ix_follow_up_intro_id")
        batch.drop_constraint("fk_follow_up_intro_id", type_="foreignkey")
        batch.drop_column("link")
        batch.drop_column("intro_id")
    with op.batch_alter_table("ask", recreate="auto") as batch:
        batch.drop_index("ix_ask_target_id")
        batch.drop_constraint("fk_ask_target_id", type_="foreignkey")
        for column in ("bring", "event_on", "event", "target_id"):
            batch.drop_column(column)
    with op.batch_alter_table("advocate", recreate="auto") as batch:
        batch.drop_constraint("ck_value_per_year_positive", type_="check")
        batch.drop_column("churned_on")
        batch.drop_column("value_cents_per_year")
    for table in ("gift", "intro", "note", "target_via", "target"):
        op.drop_table(table)
