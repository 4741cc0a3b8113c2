"""web console: sign-in links, sessions, internal notes, the audit log's channel

Revision ID: 0120
Revises: 0100
Create Date: 2026-12-02 21:30:00.000000

- `console_sign_ins`: one-time sign-in links (the token's hash, the person, expiry, use).
- `console_sessions`: browser sessions (the cookie's hash, CSRF token, idle and absolute expiry).
- `ticket_notes`: staff-only notes on a ticket.
- `audit_log.channel` ("chat" or "console"), and an index on the target for a ticket's history.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0120'
down_revision: str | Sequence[str] | None = '0100'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('console_sign_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_sign_ins')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_console_sign_ins_token_hash'))
    )
    with op.batch_alter_table('console_sign_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_sign_ins_expires_at'), ['expires_at'], unique=False)

    op.create_table('console_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_hash', sa.String(length=64), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_sessions')),
    sa.UniqueConstraint('session_hash', name=op.f('uq_console_sessions_session_hash'))
    )
    with op.batch_alter_table('console_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_console_sessions_person', ['platform', 'user_id'], unique=False)

    op.create_table('ticket_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.BigInteger(), nullable=False),
    sa.Column('author_name', sa.String(length=128), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_notes_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_notes'))
    )
    with op.batch_alter_table('ticket_notes', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_notes_ticket_created', ['ticket_id', 'created_at'], unique=False)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=16), server_default='chat', nullable=False))
        batch_op.create_index('ix_audit_log_target_at', ['target', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_target_at')
        batch_op.drop_column('channel')
    with op.batch_alter_table('ticket_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_notes_ticket_created')
    op.drop_table('ticket_notes')
    with op.batch_alter_table('console_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_console_sessions_person')
    op.drop_table('console_sessions')
    with op.batch_alter_table('console_sign_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_sign_ins_expires_at'))
    op.drop_table('console_sign_ins')
