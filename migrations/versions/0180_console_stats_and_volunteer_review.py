"""console statistics and volunteer review: a daily donation summary kept by triggers, indexes
for the dashboard's tickets and FAQ figures, a review status on volunteers

Revision ID: 0180
Revises: 0160
Create Date: 2026-12-03 14:00:00.000000

- `donation_days` (dimension, day, key → rials, count): paid donations per Tehran day and per
  campaign, purpose and province, kept by triggers on `donations` (services.donation_days) and
  filled here from the donations already kept. The dashboard sums a year from a few thousand
  rows instead of reading a million donations.
- `tickets.first_answer_seconds` (until the first staff message or «answered», whichever came
  first), kept by triggers (services.ticket_answers) and filled here, with
  `ix_tickets_created_figures` (created_at, first_answer_seconds, rating): a range of tickets, their first answer and rating, read
  from one index.
- `ix_faq_queries_created_kind` (created_at, kind): the FAQ's figures for a range.
- `console_imports`: a status import started in the console, its progress and report (no file,
  no national code).
- `volunteers.status` (pending / accepted / declined), `reviewed_at`, `reviewed_by`, indexed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services import donation_days, ticket_answers

revision: str = "0180"
down_revision: str | Sequence[str] | None = "0160"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "donation_days",
        sa.Column("dimension", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("rials", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dimension", "day", "key", name=op.f("pk_donation_days")),
    )
    op.create_table(
        "console_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_imports")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_answer_seconds", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_tickets_created_figures", ["created_at", "first_answer_seconds", "rating"], unique=False
        )
    with op.batch_alter_table("faq_queries", schema=None) as batch_op:
        batch_op.create_index("ix_faq_queries_created_kind", ["created_at", "kind"], unique=False)
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default=sa.text("'pending'"), nullable=False)
        )
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_volunteers_status", ["status"], unique=False)
    # Triggers last: on SQLite a batch operation that copies a table drops its triggers (a later
    # migration that copies donations, tickets or ticket_messages must create them again).
    dialect = op.get_bind().dialect.name
    donation_days.run_sync(op.get_bind(), donation_days.trigger_ddl(dialect))
    donation_days.run_sync(op.get_bind(), donation_days.rebuild_sql(dialect))
    donation_days.run_sync(op.get_bind(), ticket_answers.trigger_ddl(dialect))
    donation_days.run_sync(op.get_bind(), ticket_answers.backfill(dialect))


def downgrade() -> None:
    donation_days.run_sync(op.get_bind(), ticket_answers.drop_ddl(op.get_bind().dialect.name))
    donation_days.run_sync(op.get_bind(), donation_days.drop_ddl(op.get_bind().dialect.name))
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.drop_index("ix_volunteers_status")
        batch_op.drop_column("reviewed_by")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("status")
    with op.batch_alter_table("faq_queries", schema=None) as batch_op:
        batch_op.drop_index("ix_faq_queries_created_kind")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_created_figures")
        batch_op.drop_column("first_answer_seconds")
    op.drop_table("console_imports")
    op.drop_table("donation_days")
