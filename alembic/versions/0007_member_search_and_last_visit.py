"""member search key and last visit

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gym_live.domain.members import search_key

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000


def upgrade() -> None:
    # Added in place (no table rebuild, which re-creates indexes in another order).
    op.add_column(
        'member', sa.Column('search_key', sa.String(length=360), server_default='', nullable=False)
    )
    op.add_column('member', sa.Column('last_visit_at', sa.DateTime(timezone=True), nullable=True))
    connection = op.get_bind()
    member = sa.table(
        'member', sa.column('id'), sa.column('full_name'), sa.column('search_key')
    )
    names = connection.execute(sa.select(member.c.id, member.c.full_name)).all()
    update = (
        member.update()
        .where(member.c.id == sa.bindparam('member_id'))
        .values(search_key=sa.bindparam('key'))
    )
    for start in range(0, len(names), BATCH):
        rows = names[start : start + BATCH]
        connection.execute(
            update, [{'member_id': id_, 'key': search_key(name)} for id_, name in rows]
        )
    op.execute(
        'UPDATE member SET last_visit_at = '
        '(SELECT max(visit.checked_in_at) FROM visit WHERE visit.member_id = member.id)'
    )
    op.create_index('ix_member_search_key', 'member', ['search_key'], unique=False)
    op.create_index('ix_member_valid_until', 'member', ['valid_until'], unique=False)
    op.create_index('ix_member_last_visit', 'member', ['last_visit_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_member_last_visit', table_name='member')
    op.drop_index('ix_member_valid_until', table_name='member')
    op.drop_index('ix_member_search_key', table_name='member')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('last_visit_at')
        batch_op.drop_column('search_key')
