"""api keys: integrations (turnstiles, booking apps) call the REST API with a key

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gym_live.adapters.migrations import allow_audit_kinds

revision: str = '0017'
down_revision: str | Sequence[str] | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    'sign_in_ok', 'sign_in_failed', 'sign_in_locked', 'desk_check_in', 'desk_check_out',
    'staff_added', 'role_changed', 'staff_deactivated', 'staff_reactivated',
    'password_changed', 'signed_out_everywhere', 'kiosk_added', 'kiosk_paired',
    'kiosk_revoked', 'location_added', 'location_changed', 'member_added', 'member_extended',
    'member_edited', 'member_frozen', 'member_unfrozen', 'member_cancelled',
    'member_reactivated', 'pin_set', 'pin_removed', 'pass_added', 'photo_set', 'photo_removed',
    'admitted_anyway', 'members_imported', 'members_exported',
)  # fmt: skip
NEW_KINDS = ('api_key_added', 'api_key_revoked')


def upgrade() -> None:
    op.create_table(
        'api_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('scopes', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key_hash'),
    )
    op.create_table(
        'api_key_location',
        sa.Column('api_key_id', sa.Integer(), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['api_key_id'], ['api_key.id']),
        sa.ForeignKeyConstraint(['location_id'], ['location.id']),
        sa.PrimaryKeyConstraint('api_key_id', 'location_id'),
    )
    allow_audit_kinds(op, (*KINDS, *NEW_KINDS))


def downgrade() -> None:
    op.execute("DELETE FROM audit_event WHERE kind IN ('api_key_added', 'api_key_revoked')")
    allow_audit_kinds(op, KINDS)
    op.drop_table('api_key_location')
    op.drop_table('api_key')
