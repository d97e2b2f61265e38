"""The first schema: advocates, NPS history, events, asks, referrals, follow-ups.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _in(column: str, values: tuple[str, ...], *, nullable: bool = False) -> sa.CheckConstraint:
    condition = f"{column} IN ({', '.join(repr(v) for v in values)})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return sa.CheckConstraint(condition, name=f"ck_{column}_valid")


# Frozen copies of the enumerations as they were in this revision: a migration must not
# change meaning when reftrack.enums grows later.
SOURCES = ("referral", "inbound", "outbound", "event", "network", "other")
CHANNELS = (
    "in_person",
    "phone",
    "video",
    "email",
    "message",
    "event",
    "linkedin",
    "automated_email",
)
OUTCOMES = ("pending", "referred", "declined", "no_response", "alternative")
ALTERNATIVES = ("testimonial", "review", "case_study", "social_post")
STATUSES = ("new", "contacted", "meeting", "proposal", "won", "lost")
FOLLOW_UP_KINDS = ("thank", "contact", "check_ask", "circle_back", "custom")
EVENT_KINDS = ("milestone", "complaint")


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # advocate.referred_by and referral.advocate_id point at each other. SQLite accepts a
    # forward reference at CREATE time; other engines get the constraint added afterwards.
    referred_by_fk = (
        [
            sa.ForeignKeyConstraint(
                ["referred_by"],
                ["referral.id"],
                ondelete="SET NULL",
                name="fk_advocate_referred_by",
            )
        ]
        if sqlite
        else []
    )
    op.create_table(
        "advocate",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("company", sa.String()),
        sa.Column("email", sa.String()),
        sa.Column("phone", sa.String()),
        sa.Column("tags", sa.String()),
        sa.Column("nps", sa.Integer()),
        sa.Column("nps_on", sa.Date()),
        sa.Column("customer_since", sa.Date()),
        sa.Column("source", sa.String()),
        sa.Column("referred_by", sa.Integer()),
        sa.Column("last_milestone_on", sa.Date()),
        sa.Column("last_complaint_on", sa.Date()),
        sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("notes", sa.String()),
        *_timestamps(),
        sa.CheckConstraint("nps IS NULL OR (nps BETWEEN 0 AND 10)", name="ck_nps_range"),
        _in("source", SOURCES, nullable=True),
        *referred_by_fk,
    )
    op.create_index("ix_advocate_name", "advocate", ["name"])
    op.create_index("ix_advocate_email", "advocate", ["email"])
    op.create_index("ix_advocate_referred_by", "advocate", ["referred_by"])

    op.create_table(
        "nps_score",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "advocate_id",
            sa.Integer(),
            sa.ForeignKey("advocate.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("scored_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("score BETWEEN 0 AND 10", name="ck_score_range"),
    )
    op.create_index("ix_nps_score_advocate_id", "nps_score", ["advocate_id"])

    op.create_table(
        "advocate_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "advocate_id",
            sa.Integer(),
            sa.ForeignKey("advocate.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _in("kind", EVENT_KINDS),
    )
    op.create_index("ix_advocate_event_advocate_id", "advocate_event", ["advocate_id"])

    op.create_table(
        "ask",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "advocate_id",
            sa.Integer(),
            sa.ForeignKey("advocate.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("target", sa.String()),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("alternative", sa.String()),
        sa.Column("forced", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("notes", sa.String()),
        *_timestamps(),
        _in("channel", CHANNELS),
        _in("outcome", OUTCOMES),
        _in("alternative", ALTERNATIVES, nullable=True),
    )
    op.create_index("ix_ask_advocate_asked_on", "ask", ["advocate_id", "asked_on"])
    op.create_index("ix_ask_asked_on", "ask", ["asked_on"])

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "advocate_id",
            sa.Integer(),
            sa.ForeignKey("advocate.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("ask_id", sa.Integer(), sa.ForeignKey("ask.id", ondelete="SET NULL")),
        sa.Column("prospect", sa.String(), nullable=False),
        sa.Column("company", sa.String()),
        sa.Column("email", sa.String()),
        sa.Column("phone", sa.String()),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("value_cents", sa.BigInteger()),
        sa.Column("closed_on", sa.Date()),
        sa.Column("lost_reason", sa.String()),
        sa.Column("thanked_on", sa.Date()),
        sa.Column("notes", sa.String()),
        *_timestamps(),
        _in("status", STATUSES),
        sa.CheckConstraint("value_cents IS NULL OR value_cents >= 0", name="ck_value_positive"),
    )
    op.create_index("ix_referral_advocate_id", "referral", ["advocate_id"])
    op.create_index("ix_referral_ask_id", "referral", ["ask_id"])
    op.create_index("ix_referral_received_on", "referral", ["received_on"])
    op.create_index("ix_referral_closed_on", "referral", ["closed_on"])
    op.create_index("ix_referral_status", "referral", ["status"])
    if not sqlite:
        op.create_foreign_key(
            "fk_advocate_referred_by",
            "advocate",
            "referral",
            ["referred_by"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("advocate_id", sa.Integer(), sa.ForeignKey("advocate.id", ondelete="CASCADE")),
        sa.Column("ask_id", sa.Integer(), sa.ForeignKey("ask.id", ondelete="CASCADE")),
        sa.Column("referral_id", sa.Integer(), sa.ForeignKey("referral.id", ondelete="CASCADE")),
        sa.Column("note", sa.String()),
        sa.Column("done_on", sa.Date()),
        sa.Column("outcome", sa.String()),
        *_timestamps(),
        _in("kind", FOLLOW_UP_KINDS),
        sa.CheckConstraint(
            "advocate_id IS NOT NULL OR ask_id IS NOT NULL OR referral_id IS NOT NULL",
            name="ck_follow_up_has_subject",
        ),
    )
    op.create_index("ix_follow_up_done_due", "follow_up", ["done_on", "due_on"])
    op.create_index("ix_follow_up_advocate_id", "follow_up", ["advocate_id"])
    op.create_index("ix_follow_up_ask_id", "follow_up", ["ask_id"])
    op.create_index("ix_follow_up_referral_id", "follow_up", ["referral_id"])


def downgrade() -> None:
    for table in ("follow_up", "referral", "ask", "advocate_event", "nps_score", "advocate"):
        op.drop_table(table)
