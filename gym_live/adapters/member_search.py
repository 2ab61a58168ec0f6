"""Finding members by any part of `member.search_text`, from an index on both databases.

A search for text anywhere in a column cannot use a B-tree index, and at 50,000 members a
scan costs 50-130 ms a search. Trigram indexes find it instead: on SQLite an FTS5 table
with the trigram tokenizer (`member_search`, kept in step by triggers), on PostgreSQL a
pg_trgm GIN index on the column. Both are made by migration 0008 in SQL of their own, not
from the models (see `include_name`). Text shorter than a trigram is looked for by
a scan: it matches so many members that the first page is found at once.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from gym_live.models import Member

SQLITE_INDEX = "member_search"  # with its FTS5 shadow tables, member_search_*
POSTGRES_INDEX = "ix_member_search_text_trgm"
# PostgreSQL only, also made in SQL: the list's "latest visit first" (SQLite's own order of
# NULLs already puts members who never came last).
POSTGRES_LATEST_VISIT_INDEX = "ix_member_latest_visit"
TRIGRAM = 3
_LIKE_SPECIAL = re.compile(r"[\\%_]")
_SQLITE_INDEX_TABLE = sa.table(SQLITE_INDEX, sa.column("member_id"), sa.column("search_text"))


def counting(terms: tuple[str, ...], dialect: str) -> sa.ColumnElement[bool]:
    """Members whose search text contains any of the terms, as a count up to a limit finds
    them soonest: from the index, but text shorter than a trigram (which matches most
    members) by a scan, stopped by the limit."""
    if min(len(term) for term in terms) < TRIGRAM:
        column = Member.search_text + "" if dialect == "postgresql" else Member.search_text
        return _containing(column, terms)  # `|| ''`: PostgreSQL's GIN index is no use here
    if dialect == "sqlite":
        return _from_sqlite_index(terms)
    return _containing(Member.search_text, terms)


def finding(terms: tuple[str, ...], dialect: str, *, many: bool) -> sa.ColumnElement[bool]:
    """The same members, as a page of the list finds them soonest.

    `many` (known from the count): a page is found sooner by walking the list's order and
    testing each member, which stops after a page; few matches are found sooner from the
    index, then sorted. Planners guess the number of matches of a text search poorly, so
    the choice is made here: by the condition's form, and on PostgreSQL with
    walk_the_order.
    """
    if many or min(len(term) for term in terms) < TRIGRAM:
        return _containing(Member.search_text, terms)
    if dialect == "sqlite":
        return _from_sqlite_index(terms)
    found = _containing(Member.search_text, terms)  # collected from the index, then sorted
    matches = sa.select(Member.id).where(found).cte("found").prefix_with("MATERIALIZED")
    return Member.id.in_(sa.select(matches.c.id))


def _containing(column: sa.ColumnElement[str], terms: tuple[str, ...]) -> sa.ColumnElement[bool]:
    return sa.or_(*(column.like(_anywhere(term), escape="\\") for term in terms))


def _from_sqlite_index(terms: tuple[str, ...]) -> sa.ColumnElement[bool]:
    phrases = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
    indexed = sa.select(_SQLITE_INDEX_TABLE.c.member_id).where(
        sa.text(f"{SQLITE_INDEX} MATCH :phrases").bindparams(phrases=phrases)
    )
    return Member.id.in_(indexed)


def walk_the_order(session: Session) -> None:
    """PostgreSQL, for this transaction: find a page of many matches by walking an index
    in the list's order, not by collecting and sorting them all (see `finding`)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
        session.execute(sa.text("SET LOCAL enable_seqscan = off"))


def _anywhere(term: str) -> str:
    return "%" + _LIKE_SPECIAL.sub(r"\\\g<0>", term) + "%"


def include_name(name: str | None, type_: str, parent_names: dict[str, str | None]) -> bool:
    """Alembic's include_name hook: everything but the indexes made in SQL, so comparing
    the schema with the models (and autogenerate) leaves them alone."""
    if type_ == "table" and name and name.startswith(SQLITE_INDEX):
        return False
    return not (type_ == "index" and name in (POSTGRES_INDEX, POSTGRES_LATEST_VISIT_INDEX))
