"""member photo; audit: photos set and removed

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gym_live.adapters.migrations import allow_audit_kinds

revision: str = '0013'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    'sign_in_ok', 'sign_in_failed', 'sign_in_locked', 'desk_check_in', 'desk_check_out',
    'staff_added', 'role_changed', 'staff_deactivated', 'staff_reactivated',
    'password_changed', 'signed_out_everywhere', 'kiosk_added', 'kiosk_paired',
    'kiosk_revoked', 'location_added', 'location_changed', 'member_added', 'member_extended',
    'member_edited', 'member_frozen', 'member_unfrozen', 'member_cancelled',
    'member_reactivated', 'pin_set', 'pin_removed', 'pass_added',
)  # fmt: skip


def upgrade() -> None:
    # In place on both (a rebuild on SQLite would drop the member search's triggers).
    op.add_column('member', sa.Column('photo', sa.String(32), nullable=True))
    allow_audit_kinds(op, (*KINDS, 'photo_set', 'photo_removed'))


def downgrade() -> None:
    op.execute("DELETE FROM audit_event WHERE kind IN ('photo_set', 'photo_removed')")
    allow_audit_kinds(op, KINDS)
    op.execute('ALTER TABLE member DROP COLUMN photo')
