"""ticket desk at scale: a word index for the search, covering indexes for the queue

Revision ID: 0140
Revises: 0130
Create Date: 2026-12-03 08:00:00.000000

- `ticket_words`: the normalized words of each ticket's description and the donor's messages
  (services.tickets.search_words), filled here from the tickets already kept; the console's
  search looks words up by prefix instead of reading every text.
- `ix_tickets_queue` (status, waiting_since, assignee_id, anonymous, created_at) replaces
  `ix_tickets_status_waiting` (its first two columns): the queue's counts and order are read
  from the index alone.
- `tickets.updated_at` (the console's live-update stamp), `tickets.seq` and
  `tickets.donation_id` (search by a ticket's digits, by a receipt number) get indexes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.tickets import search_words

revision: str = '0140'
down_revision: str | Sequence[str] | None = '0130'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000


def upgrade() -> None:
    op.create_table('ticket_words',
    sa.Column('word', sa.String(length=32).with_variant(sa.String(length=32, collation='C'), 'postgresql'), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_words_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('word', 'ticket_id', name=op.f('pk_ticket_words'))
    )
    with op.batch_alter_table('ticket_words', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_words_ticket_word', ['ticket_id', 'word'], unique=False)
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_status_waiting')
        batch_op.create_index('ix_tickets_queue', ['status', 'waiting_since', 'assignee_id', 'anonymous', 'created_at'], unique=False)
        batch_op.create_index('ix_tickets_updated_at', ['updated_at'], unique=False)
        batch_op.create_index('ix_tickets_seq', ['seq'], unique=False)
        batch_op.create_index('ix_tickets_donation_id', ['donation_id'], unique=False)
    _fill_words()


def _fill_words() -> None:
    """The words of the tickets kept so far, a batch of tickets at a time."""
    connection = op.get_bind()
    words = sa.table('ticket_words', sa.column('word', sa.String), sa.column('ticket_id', sa.Integer))
    last = 0
    while True:
        rows = connection.execute(
            sa.text('SELECT id, description FROM tickets WHERE id > :last ORDER BY id LIMIT :batch'),
            {'last': last, 'batch': BATCH},
        ).all()
        if not rows:
            return
        first, last = rows[0][0], rows[-1][0]
        texts: dict[int, list[str]] = {row[0]: [row[1] or ''] for row in rows}
        for ticket_id, text in connection.execute(
            sa.text(
                "SELECT ticket_id, text FROM ticket_messages WHERE ticket_id BETWEEN :first AND :last"
                " AND direction = 'donor' AND text IS NOT NULL"
            ),
            {'first': first, 'last': last},
        ):
            texts[ticket_id].append(text)
        values = [
            {'word': word, 'ticket_id': ticket_id}
            for ticket_id, parts in texts.items()
            for word in search_words(' '.join(parts))
        ]
        if values:
            connection.execute(words.insert(), values)


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_donation_id')
        batch_op.drop_index('ix_tickets_seq')
        batch_op.drop_index('ix_tickets_updated_at')
        batch_op.drop_index('ix_tickets_queue')
        batch_op.create_index('ix_tickets_status_waiting', ['status', 'waiting_since'], unique=False)
    with op.batch_alter_table('ticket_words', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_words_ticket_word')
    op.drop_table('ticket_words')
