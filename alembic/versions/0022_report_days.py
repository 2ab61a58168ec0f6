"""report days: a settled day's report figures per location, counted once (a year's report
reads 365 rows instead of its visits)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: str | Sequence[str] | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'report_day',
        sa.Column('location_id', sa.Integer(), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('counts', sa.Text(), nullable=False),
        sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['location_id'], ['location.id']),
        sa.PrimaryKeyConstraint('location_id', 'timezone', 'day'),
    )


def downgrade() -> None:
    op.drop_table('report_day')
