"""visit export: visits are read in check-in order; exporting them is audited

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 10:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from gym_live.adapters.migrations import allow_audit_kinds

revision: str = '0019'
down_revision: str | Sequence[str] | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    'sign_in_ok', 'sign_in_failed', 'sign_in_locked', 'desk_check_in', 'desk_check_out',
    'staff_added', 'role_changed', 'staff_deactivated', 'staff_reactivated',
    'password_changed', 'signed_out_everywhere', 'kiosk_added', 'kiosk_paired',
    'kiosk_revoked', 'location_added', 'location_changed', 'member_added', 'member_extended',
    'member_edited', 'member_frozen', 'member_unfrozen', 'member_cancelled',
    'member_reactivated', 'pin_set', 'pin_removed', 'pass_added', 'photo_set', 'photo_removed',
    'admitted_anyway', 'members_imported', 'members_exported', 'api_key_added',
    'api_key_revoked',
)  # fmt: skip


def upgrade() -> None:
    op.create_index('ix_visit_in', 'visit', ['checked_in_at', 'id'], unique=False)
    allow_audit_kinds(op, (*KINDS, 'visits_exported'))


def downgrade() -> None:
    op.execute("DELETE FROM audit_event WHERE kind = 'visits_exported'")
    allow_audit_kinds(op, KINDS)
    op.drop_index('ix_visit_in', table_name='visit')
