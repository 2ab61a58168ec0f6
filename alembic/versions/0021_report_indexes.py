"""report indexes: a period's arrivals by source, its stays and its overrides are read
from the visit indexes alone (the reports page reads a year without touching the rows)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | Sequence[str] | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OVERRIDDEN = sa.text('override_reason IS NOT NULL')


def upgrade() -> None:
    op.drop_index('ix_visit_location_in', table_name='visit')
    op.create_index(
        'ix_visit_location_in', 'visit', ['location_id', 'checked_in_at', 'source'], unique=False
    )
    op.drop_index('ix_visit_location_out', table_name='visit')
    op.create_index(
        'ix_visit_location_out',
        'visit',
        ['location_id', 'checked_out_at', 'checkout_reason', 'checked_in_at'],
        unique=False,
    )
    op.create_index(
        'ix_visit_overridden',
        'visit',
        ['location_id', 'checked_in_at', 'checked_in_by'],
        unique=False,
        sqlite_where=OVERRIDDEN,
        postgresql_where=OVERRIDDEN,
    )


def downgrade() -> None:
    op.drop_index('ix_visit_overridden', table_name='visit')
    op.drop_index('ix_visit_location_out', table_name='visit')
    op.create_index(
        'ix_visit_location_out', 'visit', ['location_id', 'checked_out_at'], unique=False
    )
    op.drop_index('ix_visit_location_in', table_name='visit')
    op.create_index(
        'ix_visit_location_in', 'visit', ['location_id', 'checked_in_at'], unique=False
    )
