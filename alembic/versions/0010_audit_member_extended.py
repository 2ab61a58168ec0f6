"""audit: membership extended

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from gym_live.adapters.migrations import allow_audit_kinds

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    'sign_in_ok', 'sign_in_failed', 'sign_in_locked', 'desk_check_in', 'desk_check_out',
    'staff_added', 'role_changed', 'staff_deactivated', 'staff_reactivated',
    'password_changed', 'signed_out_everywhere', 'kiosk_added', 'kiosk_paired',
    'kiosk_revoked', 'location_added', 'location_changed', 'member_added',
)  # fmt: skip


def upgrade() -> None:
    allow_audit_kinds(op, (*KINDS, 'member_extended'))


def downgrade() -> None:
    op.execute("DELETE FROM audit_event WHERE kind = 'member_extended'")
    allow_audit_kinds(op, KINDS)
