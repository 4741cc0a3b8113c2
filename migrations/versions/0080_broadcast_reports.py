"""broadcast reports: answer times, unsubscribe times, the author's role

Revision ID: 0080
Revises: 0070
Create Date: 2026-12-01 09:00:00.000000

- `broadcast_outbox.sent_at` becomes `answered_at`, set for every final answer (sent, failed,
  blocked) so /stats counts each by when it happened; indexed with the status.
- `subscriptions.last_stop_at` / `last_topic_off_at`: the latest /stop (kept when the user comes
  back, unlike `stopped_at`) and the latest topic turned off.
- `broadcasts.author_role`: the author's staff role, which the broadcasts export shows instead of
  who they are; earlier broadcasts get it from the roles granted in the database.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0080'
down_revision: str | Sequence[str] | None = '0070'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Both SQLite (3.25+) and PostgreSQL rename a column in place.
    op.execute('ALTER TABLE broadcast_outbox RENAME COLUMN sent_at TO answered_at')
    with op.batch_alter_table('broadcast_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_broadcast_outbox_answered', ['answered_at', 'status'], unique=False)

    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_stop_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_topic_off_at', sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE subscriptions SET last_stop_at = stopped_at WHERE stopped_at IS NOT NULL')

    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_role', sa.String(length=32), nullable=True))
    for role in ('admin', 'campaign_manager'):
        op.execute(
            "UPDATE broadcasts SET author_role = '" + role + "' WHERE author_id IS NOT NULL"
            " AND author_role IS NULL AND EXISTS (SELECT 1 FROM staff_roles"
            " WHERE staff_roles.platform = broadcasts.platform"
            " AND staff_roles.user_id = broadcasts.author_id AND staff_roles.role = '" + role + "')"
        )


def downgrade() -> None:
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_column('author_role')

    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_column('last_topic_off_at')
        batch_op.drop_column('last_stop_at')

    with op.batch_alter_table('broadcast_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_broadcast_outbox_answered')
    op.execute("UPDATE broadcast_outbox SET answered_at = NULL WHERE status <> 'sent'")
    op.execute('ALTER TABLE broadcast_outbox RENAME COLUMN answered_at TO sent_at')
