"""province offices: a staff role limited to provinces, a ticket's province

Revision ID: 0160
Revises: 0150
Create Date: 2026-12-03 14:00:00.000000

- `staff_roles.provinces`: the province ids a role is limited to (comma-separated, sorted);
  NULL is the whole country, as every role granted so far.
- `tickets.province_id`: the linked donation's province (its own, else its campaign's), filled
  here for the tickets already kept; NULL is seen by national staff only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0160'
down_revision: str | Sequence[str] | None = '0150'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('staff_roles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provinces', sa.String(length=255), nullable=True))
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('province_id', sa.String(length=16), nullable=True))
        batch_op.create_index('ix_tickets_province_status', ['province_id', 'status'], unique=False)
    donations = sa.table(
        'donations',
        sa.column('id', sa.Integer),
        sa.column('province_id', sa.String),
        sa.column('campaign_id', sa.Integer),
    )
    campaigns = sa.table('campaigns', sa.column('id', sa.Integer), sa.column('province_id', sa.String))
    tickets = sa.table(
        'tickets', sa.column('donation_id', sa.Integer), sa.column('province_id', sa.String)
    )
    province = (
        sa.select(sa.func.coalesce(donations.c.province_id, campaigns.c.province_id))
        .select_from(donations.outerjoin(campaigns, campaigns.c.id == donations.c.campaign_id))
        .where(donations.c.id == tickets.c.donation_id)
        .scalar_subquery()
    )
    op.execute(tickets.update().where(tickets.c.donation_id.is_not(None)).values(province_id=province))


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_province_status')
        batch_op.drop_column('province_id')
    with op.batch_alter_table('staff_roles', schema=None) as batch_op:
        batch_op.drop_column('provinces')
