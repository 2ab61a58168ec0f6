"""location peak: today's most people inside at once, kept by each check-in (a running
sum over a busy day's visits cost 22 ms a look on SQLite)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 10:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: str | Sequence[str] | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No peak kept yet (peak_since NULL): the next check-in counts it from the visits.
    op.add_column('location', sa.Column('peak_since', sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        'location', sa.Column('peak_inside', sa.Integer(), nullable=False, server_default='0')
    )


def downgrade() -> None:
    with op.batch_alter_table('location') as batch:
        batch.drop_column('peak_inside')
        batch.drop_column('peak_since')
