"""job leases: one runner at a time for each background job (jobs/)

Revision ID: 0125
Revises: 0120
Create Date: 2026-12-03 08:10:00.000000

- `job_leases`: a job's name, the worker holding it and until when (used without Redis).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0125'
down_revision: str | Sequence[str] | None = '0120'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job_leases',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('owner', sa.String(length=80), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_leases'))
    )


def downgrade() -> None:
    op.drop_table('job_leases')
