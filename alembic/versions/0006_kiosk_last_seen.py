"""kiosk last seen

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 13:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column: SQLite and PostgreSQL both add it in place (no table rebuild).
    op.add_column('kiosk', sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
