"""audit: every member exported to a file

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 19:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from gym_live.adapters.migrations import allow_audit_kinds

revision: str = '0016'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    'sign_in_ok', 'sign_in_failed', 'sign_in_locked', 'desk_check_in', 'desk_check_out',
    'staff_added', 'role_changed', 'staff_deactivated', 'staff_reactivated',
    'password_changed', 'signed_out_everywhere', 'kiosk_added', 'kiosk_paired',
    'kiosk_revoked', 'location_added', 'location_changed', 'member_added', 'member_extended',
    'member_edited', 'member_frozen', 'member_unfrozen', 'member_cancelled',
    'member_reactivated', 'pin_set', 'pin_removed', 'pass_added', 'photo_set', 'photo_removed',
    'admitted_anyway', 'members_imported',
)  # fmt: skip


def upgrade() -> None:
    allow_audit_kinds(op, (*KINDS, 'members_exported'))


def downgrade() -> None:
    op.execute("DELETE FROM audit_event WHERE kind = 'members_exported'")
    allow_audit_kinds(op, KINDS)
