"""Apply the alembic migration chain to a database, one instance at a time, and tell an
instance whether the database's schema is the one its code was written for."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from gym_live.adapters.db import build_engine
from gym_live.domain.errors import SchemaMismatch

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# PostgreSQL advisory lock key for migrations: any 64-bit number no other code takes.
MIGRATION_LOCK = 0x67796D5F6C697665  # "gym_live"


def upgrade_to_head(database_url: str, *, revision: str = "head") -> None:
    """Bring the database at `database_url` to the newest schema, or to `revision`
    (idempotent). Instances started together take turns: the first migrates, the others
    wait for it and find nothing left to do."""
    with _one_at_a_time(database_url):
        command.upgrade(_config(database_url), revision)


def check_schema(database_url: str) -> None:
    """Raises SchemaMismatch, in one line that says what to do, unless the database is at
    this code's newest migration."""
    script = ScriptDirectory.from_config(_config(database_url))
    head = script.get_current_head()
    engine = build_engine(database_url, pooled=False)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    if current == head:
        return
    if current is None:
        raise SchemaMismatch(
            "The database has no gym_live schema yet: run `python -m gym_live migrate` first."
        )
    if current not in {rev.revision for rev in script.walk_revisions()}:
        raise SchemaMismatch(
            f"The database's schema ({current}) is newer than this code's ({head}): "
            "run the newer code, or restore a backup made for this version."
        )
    raise SchemaMismatch(
        f"The database's schema ({current}) is older than this code's ({head}): "
        "run `python -m gym_live migrate` first."
    )


def _config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


@contextlib.contextmanager
def _one_at_a_time(database_url: str) -> Iterator[None]:
    """Held while migrating: PostgreSQL's advisory lock (released if the process dies), or
    for SQLite a lock on a file beside the database (instances share a machine then)."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        engine = build_engine(database_url, pooled=False)
        try:
            with engine.connect() as connection:
                connection.execute(sa.select(sa.func.pg_advisory_lock(MIGRATION_LOCK)))
                try:
                    yield
                finally:
                    connection.execute(sa.select(sa.func.pg_advisory_unlock(MIGRATION_LOCK)))
        finally:
            engine.dispose()
    elif url.database and url.database != ":memory:":
        with open(f"{url.database}.migrating", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield  # the lock goes with the file, when it is closed or the process dies
    else:
        yield


def allow_audit_kinds(operations: Any, kinds: tuple[str, ...]) -> None:
    """For a migration: the audit table's kinds become `kinds`. SQLite cannot alter a
    CHECK constraint, so batch mode rebuilds the (small) audit table there."""
    with operations.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint("ck_kind", type_="check")
        listed = ", ".join(f"'{kind}'" for kind in kinds)
        batch_op.create_check_constraint("ck_kind", f"kind IN ({listed})")
