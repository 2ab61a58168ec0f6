"""webhooks: an integration's URL hears of check-ins, signed, retried, logged

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gym_live.adapters.migrations import allow_audit_kinds

revision: str = '0020'
down_revision: str | Sequence[str] | None = '0019'
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
    'api_key_revoked', 'visits_exported',
)  # fmt: skip
PENDING = sa.text('delivered_at IS NULL AND given_up_at IS NULL')


def upgrade() -> None:
    with op.batch_alter_table('api_key') as table:
        table.add_column(sa.Column('webhook_url', sa.String(length=500), nullable=True))
        table.add_column(sa.Column('webhook_secret', sa.String(length=64), nullable=True))
    op.create_table(
        'webhook_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('api_key_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('given_up_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_status', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['api_key_id'], ['api_key.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('api_key_id', 'event_id', name='uq_webhook_delivery_event'),
    )
    op.create_index(
        'ix_webhook_delivery_due',
        'webhook_delivery',
        ['next_attempt_at'],
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    op.create_index('ix_webhook_delivery_key', 'webhook_delivery', ['api_key_id', 'id'])
    allow_audit_kinds(op, (*KINDS, 'webhook_set'))


def downgrade() -> None:
    op.execute("DELETE FROM audit_event WHERE kind = 'webhook_set'")
    allow_audit_kinds(op, KINDS)
    op.drop_index('ix_webhook_delivery_key', table_name='webhook_delivery')
    op.drop_index('ix_webhook_delivery_due', table_name='webhook_delivery')
    op.drop_table('webhook_delivery')
    with op.batch_alter_table('api_key') as table:
        table.drop_column('webhook_secret')
        table.drop_column('webhook_url')
