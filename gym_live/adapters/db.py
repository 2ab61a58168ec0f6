"""Database engines: SQLite tuned for concurrent writers, PostgreSQL as it comes."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

# Execution option that makes a SQLite transaction take the write lock up front.
WRITE_INTENT = "gym_live_write"
# PostgreSQL read sessions: one snapshot for all their statements, and no writes.
SNAPSHOT_READ = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
DEADLOCK_DETECTED = "40P01"


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
    """A session for a read-decide-write use case; commits are the caller's to make.

    On SQLite, this process's writers first queue on a lock, in turn: left to SQLite's busy
    handler they poll, sleeping 1, 2, 5, 10 … ms between tries, so under a burst the
    write lock sat free while waiters slept. Other processes (the CLI) still meet the
    busy timeout.
    """
    turn = _writers_lock(engine) if engine.dialect.name == "sqlite" else nullcontext()
    with turn, Session(engine.execution_options(**{WRITE_INTENT: True})) as session:
        yield session


@functools.cache
def _writers_lock(engine: Engine) -> threading.RLock:
    return threading.RLock()


def deadlocked(error: OperationalError) -> bool:
    """PostgreSQL chose this transaction to end a deadlock (SQLSTATE 40P01): it was
    rolled back, and trying again is safe."""
    return getattr(error.orig, "sqlstate", None) == DEADLOCK_DETECTED


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for queries only, all of them seeing the database at one moment.

    A dashboard's rows are the feed and "who is inside", read in several statements; under
    PostgreSQL's default READ COMMITTED each would see its own moment, so a check-in that
    commits in between could be in the feed and missing from the list of who is inside.
    SQLite (WAL) already holds one snapshot from a transaction's first read. (psycopg sends
    the level with its BEGIN: no extra round trip.)
    """
    with Session(engine) as session:
        if engine.dialect.name == "postgresql":
            session.connection(execution_options=SNAPSHOT_READ)
        yield session
