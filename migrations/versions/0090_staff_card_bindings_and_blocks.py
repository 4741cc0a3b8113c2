"""staff cards: one binding per (platform, chat, message); blocked people; low-rating reasons

Revision ID: 0090
Revises: 0080
Create Date: 2026-12-02 21:30:00.000000

- `faq_queries`: a card is bound to one question only — UNIQUE (platform, staff_chat_id,
  staff_message_id) replaces the plain index. Existing duplicates (a staff chat whose message
  ids repeated) keep the newest binding (latest `asked_staff_at`, then highest id); the older
  questions lose theirs (a reply can no longer reach them). `staff_post_at`: the last attempt
  to post the card (cards still missing are posted again).
- `ticket_links` gains `platform` (from its ticket) and the primary key becomes (platform,
  chat_id, message_id). A staff-chat message bound both to a question card and to a ticket
  keeps only the newer binding.
- `blocked_users`: people the working group stopped from reaching it.
- `tickets.rating_reason`: why a low rating was given.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0090'
down_revision: str | Sequence[str] | None = '0080'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _aware(value: object) -> float:
    """A stored moment as a sortable number (SQLite hands back strings or naive values)."""
    if value is None:
        return float('-inf')
    if isinstance(value, str):
        from datetime import datetime

        value = datetime.fromisoformat(value)
    from datetime import UTC

    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # type: ignore[attr-defined]
    return float(moment.timestamp())  # type: ignore[attr-defined]


def _deduplicate(bind: sa.Connection) -> None:
    """Keep the newest binding of every (platform, chat, message), deterministically."""
    faq = sa.table(
        'faq_queries',
        sa.column('id', sa.Integer),
        sa.column('platform', sa.String),
        sa.column('staff_chat_id', sa.BigInteger),
        sa.column('staff_message_id', sa.BigInteger),
        sa.column('asked_staff_at', sa.DateTime(timezone=True)),
    )
    links = sa.table(
        'ticket_links',
        sa.column('platform', sa.String),
        sa.column('chat_id', sa.BigInteger),
        sa.column('message_id', sa.BigInteger),
        sa.column('created_at', sa.DateTime(timezone=True)),
    )
    rows = bind.execute(
        sa.select(faq.c.id, faq.c.platform, faq.c.staff_chat_id, faq.c.staff_message_id, faq.c.asked_staff_at)
        .where(faq.c.staff_message_id.is_not(None))
        .order_by(faq.c.id)
    ).all()
    newest: dict[tuple[str, int, int], tuple[float, int]] = {}
    for row in rows:
        key = (row.platform, row.staff_chat_id, row.staff_message_id)
        rank = (_aware(row.asked_staff_at), row.id)
        if key not in newest or rank > newest[key]:
            newest[key] = rank
    stale = [row.id for row in rows if newest[(row.platform, row.staff_chat_id, row.staff_message_id)][1] != row.id]
    # A question card and a ticket message on the same staff-chat message: the newer one stays.
    for link in bind.execute(sa.select(links.c.platform, links.c.chat_id, links.c.message_id, links.c.created_at)):
        key = (link.platform, link.chat_id, link.message_id)
        if key not in newest:
            continue
        if _aware(link.created_at) >= newest[key][0]:
            stale.append(newest[key][1])
        else:
            bind.execute(
                links.delete().where(
                    links.c.platform == link.platform,
                    links.c.chat_id == link.chat_id,
                    links.c.message_id == link.message_id,
                )
            )
    for start in range(0, len(stale), 500):
        bind.execute(
            faq.update().where(faq.c.id.in_(stale[start : start + 500])).values(staff_message_id=None)
        )


def upgrade() -> None:
    with op.batch_alter_table('ticket_links', schema=None, recreate='always') as batch_op:
        batch_op.add_column(sa.Column('platform', sa.String(length=16), nullable=False, server_default='telegram'))
    op.execute(
        'UPDATE ticket_links SET platform = '
        '(SELECT tickets.platform FROM tickets WHERE tickets.id = ticket_links.ticket_id)'
    )
    with op.batch_alter_table('ticket_links', schema=None, recreate='always') as batch_op:
        batch_op.alter_column('platform', server_default=None)
        batch_op.drop_constraint('pk_ticket_links', type_='primary')
        batch_op.create_primary_key('pk_ticket_links', ['platform', 'chat_id', 'message_id'])

    with op.batch_alter_table('faq_queries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_post_at', sa.DateTime(timezone=True), nullable=True))
    _deduplicate(op.get_bind())
    with op.batch_alter_table('faq_queries', schema=None) as batch_op:
        batch_op.drop_index('ix_faq_queries_staff_card')
        batch_op.create_unique_constraint(
            'uq_faq_queries_staff_card', ['platform', 'staff_chat_id', 'staff_message_id']
        )
        batch_op.create_index('ix_faq_queries_pending_card', ['asked_staff_at', 'staff_message_id'], unique=False)

    op.create_table('blocked_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('blocked_by', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blocked_users')),
    sa.UniqueConstraint('platform', 'user_id', name=op.f('uq_blocked_users_platform_user_id'))
    )

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rating_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('rating_reason')
    op.drop_table('blocked_users')
    with op.batch_alter_table('faq_queries', schema=None) as batch_op:
        batch_op.drop_index('ix_faq_queries_pending_card')
        batch_op.drop_constraint('uq_faq_queries_staff_card', type_='unique')
        batch_op.create_index('ix_faq_queries_staff_card', ['staff_chat_id', 'staff_message_id'], unique=False)
        batch_op.drop_column('staff_post_at')
    # Bindings of other platforms on the same (chat, message) cannot share the old key.
    op.execute(
        "DELETE FROM ticket_links WHERE platform <> ("
        "SELECT MIN(other.platform) FROM ticket_links AS other "
        "WHERE other.chat_id = ticket_links.chat_id AND other.message_id = ticket_links.message_id)"
    )
    with op.batch_alter_table('ticket_links', schema=None, recreate='always') as batch_op:
        batch_op.drop_constraint('pk_ticket_links', type_='primary')
        batch_op.create_primary_key('pk_ticket_links', ['chat_id', 'message_id'])
        batch_op.drop_column('platform')
