"""Database engines: SQLite tuned for concurrent writers, PostgreSQL as it comes."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

# Execution option that makes a SQLite transaction take the write lock up front.
WRITE_INTENT = "gym_live_write"


@functools.cache
def get_engine(url: str) -> Engine:
    """One engine per URL per process, built on first use."""
    return build_engine(url)


def build_engine(url: str, *, pooled: bool = True) -> Engine:
    """A new engine; unpooled ones open a fresh connection per use (separate clients in tests)."""
    pool: dict[str, Any] = {} if pooled else {"poolclass": sa.NullPool}
    if url.startswith("sqlite"):
        return _sqlite_engine(url, pool)
    if pooled:
        pool |= {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
    return sa.create_engine(url, **pool)


def _sqlite_engine(url: str, pool: dict[str, Any]) -> Engine:
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # A read-then-write transaction that began deferred fails with "database is locked"
        # when another writer commits first; taking the lock at BEGIN makes it wait instead.
        immediate = conn.get_execution_options().get(WRITE_INTENT, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session for a read-decide-write use case; commits are the caller's to make."""
    with Session(engine.execution_options(**{WRITE_INTENT: True})) as session:
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for queries only."""
    with Session(engine) as session:
        yield session
