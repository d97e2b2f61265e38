"""Covering indexes for `metrics` at a million referrals.

Revision ID: 0003
Revises: 0002

The period aggregates of `metrics` (referrals received, closed, won and their value) and the
earliest-record lookup of `--period all` read only these columns: with them in one index
each query is an index range scan, never a visit of every table row.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_referral_received_cover": ("referral", ["received_on", "ask_id", "thanked_on"]),
    "ix_referral_closed_cover": ("referral", ["closed_on", "status", "value_cents", "received_on"]),
    "ix_follow_up_due_on": ("follow_up", ["due_on"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
