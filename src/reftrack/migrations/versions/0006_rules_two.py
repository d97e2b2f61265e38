"""Rules, part two: the `promised` ask outcome and the follow-up kinds `details`,
`check_promise`, `collect`, `value_check` and `intro_check`.

Revision ID: 0006
Revises: 0005

Only CHECK constraints change. SQLite cannot alter one, so ``ask`` and ``follow_up`` are
rebuilt (batch mode: copy, drop, rename). Dropping the old ``ask`` would fire
``referral.ask_id ON DELETE SET NULL`` and ``follow_up.ask_id ON DELETE CASCADE`` if foreign
keys were enforced: migrations/runner.py turns them off for the upgrade (outside the
transaction, as SQLite requires) and runs ``PRAGMA foreign_key_check`` before committing.
PostgreSQL drops and adds the constraints in place.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen copies of the enumerations as they are in this revision (see 0001).
OUTCOMES = ("pending", "referred", "declined", "no_response", "alternative", "promised")
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
)
OLD_OUTCOMES = OUTCOMES[:5]
OLD_FOLLOW_UP_KINDS = FOLLOW_UP_KINDS[:5]


def _condition(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _replace(table: str, name: str, column: str, values: tuple[str, ...]) -> None:
    with op.batch_alter_table(table, recreate="auto") as batch:
        batch.drop_constraint(name, type_="check")
        batch.create_check_constraint(name, _condition(column, values))


def upgrade() -> None:
    _replace("ask", "ck_outcome_valid", "outcome", OUTCOMES)
    _replace("follow_up", "ck_kind_valid", "kind", FOLLOW_UP_KINDS)


def downgrade() -> None:
    _replace("follow_up", "ck_kind_valid", "kind", OLD_FOLLOW_UP_KINDS)
    _replace("ask", "ck_outcome_valid", "outcome", OLD_OUTCOMES)
