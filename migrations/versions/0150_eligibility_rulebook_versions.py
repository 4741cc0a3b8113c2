"""the dowry-kit rulebook in the database: its versions and the results shown

Revision ID: 0150
Revises: 0145
Create Date: 2026-12-03 14:00:00.000000

- `eligibility_rulebooks`: every version of the whole rulebook (questions, rules, outcomes,
  offices), drafts and published ones with their effective moment; seeded from
  data/eligibility.yaml and data/offices.yaml on the first start, edited in the console.
- `eligibility_results`: the results the chat showed (outcome, rulebook version, county; no
  person, no answers).
- `eligibility_progress.rulebook_version` now holds the version's number. A questionnaire
  begun before this revision (on the file's label) starts again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0150'
down_revision: str | Sequence[str] | None = '0145'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('eligibility_rulebooks',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('based_on', sa.Integer(), nullable=True),
    sa.Column('change', sa.String(length=128), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=False),
    sa.Column('actor_name', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('effective_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.String(length=128), nullable=True),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_eligibility_rulebooks'))
    )
    with op.batch_alter_table('eligibility_rulebooks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eligibility_rulebooks_effective_at'), ['effective_at'], unique=False)
    op.create_table('eligibility_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rulebook_version', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('county_id', sa.String(length=8), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_results'))
    )
    with op.batch_alter_table('eligibility_results', schema=None) as batch_op:
        batch_op.create_index('ix_eligibility_results_version', ['rulebook_version', 'outcome'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('eligibility_results', schema=None) as batch_op:
        batch_op.drop_index('ix_eligibility_results_version')
    op.drop_table('eligibility_results')
    with op.batch_alter_table('eligibility_rulebooks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eligibility_rulebooks_effective_at'))
    op.drop_table('eligibility_rulebooks')
