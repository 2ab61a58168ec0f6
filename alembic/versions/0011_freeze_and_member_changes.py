"""member freeze reason and last day; audit: member changes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gym_live.adapters.migrations import allow_audit_kinds

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    'sign_in_ok', 'sign_in_failed', 'sign_in_locked', 'desk_check_in', 'desk_check_out',
    'staff_added', 'role_changed', 'staff_deactivated', 'staff_reactivated',
    'password_changed', 'signed_out_everywhere', 'kiosk_added', 'kiosk_paired',
    'kiosk_revoked', 'location_added', 'location_changed', 'member_added', 'member_extended',
)  # fmt: skip
NEW_KINDS = (
    'member_edited', 'member_frozen', 'member_unfrozen', 'member_cancelled',
    'member_reactivated', 'pin_set', 'pin_removed',
)  # fmt: skip


def upgrade() -> None:
    # Nullable columns: SQLite and PostgreSQL both add them in place (no table rebuild,
    # which on SQLite would drop the member search index's triggers).
    op.add_column('member', sa.Column('freeze_reason', sa.String(80), nullable=True))
    op.add_column('member', sa.Column('frozen_until', sa.Date(), nullable=True))
    allow_audit_kinds(op, (*KINDS, *NEW_KINDS))


def downgrade() -> None:
    listed = ", ".join(f"'{kind}'" for kind in NEW_KINDS)
    op.execute(f"DELETE FROM audit_event WHERE kind IN ({listed})")
    allow_audit_kinds(op, KINDS)
    # ALTER TABLE ... DROP COLUMN in place on both (SQLite 3.35 and later).
    op.execute('ALTER TABLE member DROP COLUMN frozen_until')
    op.execute('ALTER TABLE member DROP COLUMN freeze_reason')
