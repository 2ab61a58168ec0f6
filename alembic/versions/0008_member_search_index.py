"""member search text and its trigram index

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gym_live.domain.members import search_text

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000
logger = logging.getLogger("alembic.runtime.migration")

# SQLite: an FTS5 table of trigrams, kept in step with member.search_text by triggers (an
# update of other columns, as each check-in makes, does not touch it).
SQLITE_UP = (
    "CREATE VIRTUAL TABLE member_search USING fts5("
    "search_text, member_id UNINDEXED, tokenize='trigram')",
    "INSERT INTO member_search (search_text, member_id) SELECT search_text, id FROM member",
    "CREATE TRIGGER member_search_insert AFTER INSERT ON member BEGIN "
    "INSERT INTO member_search (search_text, member_id) VALUES (new.search_text, new.id); END",
    "CREATE TRIGGER member_search_update AFTER UPDATE OF search_text ON member BEGIN "
    "UPDATE member_search SET search_text = new.search_text WHERE member_id = old.id; END",
    "CREATE TRIGGER member_search_delete AFTER DELETE ON member BEGIN "
    "DELETE FROM member_search WHERE member_id = old.id; END",
)
SQLITE_DOWN = (
    "DROP TRIGGER member_search_delete",
    "DROP TRIGGER member_search_update",
    "DROP TRIGGER member_search_insert",
    "DROP TABLE member_search",
)
POSTGRES_INDEX = (
    "CREATE INDEX ix_member_search_text_trgm ON member USING gin (search_text gin_trgm_ops)"
)
# "Latest visit first" with those who never came last: an order SQLite's NULLs give anyway.
POSTGRES_LATEST_VISIT = (
    "CREATE INDEX ix_member_latest_visit ON member (last_visit_at DESC NULLS LAST)"
)


def upgrade() -> None:
    op.add_column(
        'member',
        sa.Column('search_text', sa.String(length=1200), server_default='', nullable=False),
    )
    _fill_search_text(op.get_bind())
    op.create_index('ix_member_status_name', 'member', ['status', 'search_key'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    else:
        op.execute(POSTGRES_LATEST_VISIT)
        _trigram_index(op.get_bind())


def _fill_search_text(connection: sa.Connection) -> None:
    member = sa.table(
        'member',
        *(sa.column(name) for name in ('id', 'full_name', 'member_code', 'email', 'phone')),
        sa.column('search_text'),
    )
    found = connection.execute(
        sa.select(member.c.id, member.c.full_name, member.c.member_code, member.c.email, member.c.phone)
    ).all()
    update = (
        member.update()
        .where(member.c.id == sa.bindparam('member_id'))
        .values(search_text=sa.bindparam('text'))
    )
    for start in range(0, len(found), BATCH):
        connection.execute(
            update,
            [
                {'member_id': row.id, 'text': search_text(row.full_name, row.member_code, row.email, row.phone)}
                for row in found[start : start + BATCH]
            ],
        )


def _trigram_index(connection: sa.Connection) -> None:
    """pg_trgm is a trusted extension (PostgreSQL 13+: the database's owner may add it). A
    server without it still works: member searches then scan the table."""
    try:
        with connection.begin_nested():
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            connection.execute(sa.text(POSTGRES_INDEX))
    except sa.exc.DBAPIError as exc:
        logger.warning("no trigram index for member search (%s); searches will scan", exc)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_member_search_text_trgm")
        op.execute("DROP INDEX ix_member_latest_visit")
    op.drop_index('ix_member_status_name', table_name='member')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('search_text')
