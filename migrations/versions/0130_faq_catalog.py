"""the FAQ in the database: entries, topics, their history and the catalog's version

Revision ID: 0130
Revises: 0125
Create Date: 2026-12-03 08:00:00.000000

- `faq_topics`, `faq_entries`: the FAQ the chat answers from (seeded from data/faq.yaml on the
  first start; edited in the console).
- `faq_revisions`: every change to an entry (who, when, before and after), for history and revert.
- `faq_catalog`: one row, the FAQ's version; workers rebuild their index when it moves.
- `faq_queries.staff_answer`: a staff member's answer to a question (masked), for the learning loop.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0130'
down_revision: str | Sequence[str] | None = '0125'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('faq_topics',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('name_fa', sa.String(length=128), nullable=False),
    sa.Column('name_en', sa.String(length=128), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_faq_topics'))
    )
    op.create_table('faq_entries',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('question_fa', sa.Text(), nullable=False),
    sa.Column('question_en', sa.Text(), nullable=False),
    sa.Column('alternatives', sa.JSON(), nullable=False),
    sa.Column('answer_fa', sa.Text(), nullable=False),
    sa.Column('answer_en', sa.Text(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_entries'))
    )
    op.create_table('faq_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.String(length=64), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=False),
    sa.Column('actor_name', sa.String(length=128), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('restored', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_revisions')),
    sa.UniqueConstraint('entry_id', 'number', name='uq_faq_revisions_entry_number')
    )
    op.create_table('faq_catalog',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_catalog'))
    )
    with op.batch_alter_table('faq_queries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_answer', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('faq_queries', schema=None) as batch_op:
        batch_op.drop_column('staff_answer')
    op.drop_table('faq_catalog')
    op.drop_table('faq_revisions')
    op.drop_table('faq_entries')
    op.drop_table('faq_topics')
