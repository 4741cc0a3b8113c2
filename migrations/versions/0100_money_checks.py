"""money: gateway re-verification, held payments, once-only button presses

Revision ID: 0100
Revises: 0090
Create Date: 2026-12-02 21:30:00.000000

- `donations.next_verify_at` / `verify_attempts`: the gateway reconciler asks the gateway again
  about pending *and* failed gateway orders until its answer is final (with backoff); gateway
  orders still open, and those failed by a "NOK" callback without a verify, get a check now.
- `donations.status` may be `held` (a payment in another currency or amount than the order's,
  kept for staff review): no schema change, a new value.
- `button_presses`: pay/confirm/submit presses already handled, so a double tap does nothing twice.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op



revision: str = '0100'
down_revision: str | Sequence[str] | None = '0090'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_verify_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('verify_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_donations_provider_verify', ['provider', 'next_verify_at'], unique=False)
    # Open gateway orders, and those a callback's "NOK" failed without asking the gateway, are
    # checked by the reconciler (inside its one-day window).
    op.execute(
        "UPDATE donations SET next_verify_at = created_at"
        " WHERE gateway_authority IS NOT NULL"
        " AND (status = 'pending' OR (status = 'failed' AND status_detail = 'cancelled'))"
    )

    op.create_table(
        'button_presses',
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('message_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('digest', sa.String(length=32), nullable=False),
        sa.Column('pressed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('platform', 'chat_id', 'message_id', 'digest', name=op.f('pk_button_presses')),
    )
    with op.batch_alter_table('button_presses', schema=None) as batch_op:
        batch_op.create_index('ix_button_presses_pressed', ['pressed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('button_presses', schema=None) as batch_op:
        batch_op.drop_index('ix_button_presses_pressed')
    op.drop_table('button_presses')
    op.execute("UPDATE donations SET status = 'failed', status_detail = 'held' WHERE status = 'held'")
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.drop_index('ix_donations_provider_verify')
        batch_op.drop_column('verify_attempts')
        batch_op.drop_column('next_verify_at')
