"""visit passes: a member's plan, the visits left on their pass and its last day

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from gym_live.adapters.migrations import allow_audit_kinds

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    'sign_in_ok', 'sign_in_failed', 'sign_in_locked', 'desk_check_in', 'desk_check_out',
    'staff_added', 'role_changed', 'staff_deactivated', 'staff_reactivated',
    'password_changed', 'signed_out_everywhere', 'kiosk_added', 'kiosk_paired',
    'kiosk_revoked', 'location_added', 'location_changed', 'member_added', 'member_extended',
    'member_edited', 'member_frozen', 'member_unfrozen', 'member_cancelled',
    'member_reactivated', 'pin_set', 'pin_removed',
)  # fmt: skip
# Added in place, their checks beside them, on SQLite and PostgreSQL alike: rebuilding the
# member table on SQLite would drop the member search index's triggers.
COLUMNS = (
    "plan VARCHAR(8) DEFAULT 'time' NOT NULL CONSTRAINT ck_plan CHECK (plan IN ('time', 'visits'))",
    "visits_left INTEGER CONSTRAINT ck_member_visits_left CHECK (visits_left >= 0)",
    "pass_until DATE",
)


def upgrade() -> None:
    for column in COLUMNS:
        op.execute(f"ALTER TABLE member ADD COLUMN {column}")
    allow_audit_kinds(op, (*KINDS, 'pass_added'))


def downgrade() -> None:
    op.execute("DELETE FROM audit_event WHERE kind = 'pass_added'")
    allow_audit_kinds(op, KINDS)
    for column in reversed(COLUMNS):  # each with its own check (SQLite 3.35 and later)
        op.execute(f"ALTER TABLE member DROP COLUMN {column.split()[0]}")
