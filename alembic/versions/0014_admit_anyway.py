"""admit anyway: the override's reason on the visit, the admitting visit on the refusal

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 17:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from gym_live.adapters.migrations import allow_audit_kinds

revision: str = '0014'
down_revision: str | Sequence[str] | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    'sign_in_ok', 'sign_in_failed', 'sign_in_locked', 'desk_check_in', 'desk_check_out',
    'staff_added', 'role_changed', 'staff_deactivated', 'staff_reactivated',
    'password_changed', 'signed_out_everywhere', 'kiosk_added', 'kiosk_paired',
    'kiosk_revoked', 'location_added', 'location_changed', 'member_added', 'member_extended',
    'member_edited', 'member_frozen', 'member_unfrozen', 'member_cancelled',
    'member_reactivated', 'pin_set', 'pin_removed', 'pass_added', 'photo_set', 'photo_removed',
)  # fmt: skip


def upgrade() -> None:
    # In place on SQLite and PostgreSQL alike (the visit and refusal tables can be large).
    op.execute('ALTER TABLE visit ADD COLUMN override_reason VARCHAR(80)')
    op.execute('ALTER TABLE denied_attempt ADD COLUMN admitted_visit_id INTEGER REFERENCES visit (id)')
    allow_audit_kinds(op, (*KINDS, 'admitted_anyway'))


def downgrade() -> None:
    op.execute("DELETE FROM audit_event WHERE kind = 'admitted_anyway'")
    allow_audit_kinds(op, KINDS)
    # SQLite drops no column a foreign key names: its (trigger-free) table is rebuilt.
    with op.batch_alter_table('denied_attempt', schema=None) as batch_op:
        batch_op.drop_column('admitted_visit_id')
    op.execute('ALTER TABLE visit DROP COLUMN override_reason')
