"""`python -m gym_live backup --out FILE`: a consistent copy of the database while it is in use.

SQLite: its online backup API copies the pages under a read transaction, so the instances go
on checking people in while it runs, and the copy is one moment's database. It is written
beside FILE and renamed into place only once complete and checked, so a FILE that exists is
a whole backup. PostgreSQL has its own tool for this; the command says which, and refuses.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import sqlalchemy as sa

from gym_live.domain.errors import InvalidInput


def back_up(database_url: str, out: Path) -> int:
    """Copy the database to `out`; returns its size in bytes.

    Raises:
        InvalidInput: not an SQLite database (with the pg_dump command to use instead),
            no database there, or `out` exists already (a backup is never overwritten).
    """
    url = sa.make_url(database_url)
    if url.get_backend_name() != "sqlite":
        dump_from = sa.URL.create(
            "postgresql", url.username, None, url.host, url.port, url.database
        ).render_as_string()
        raise InvalidInput(
            "`backup` copies SQLite databases. For PostgreSQL use its own tool: "
            f'pg_dump --format=custom --file={out} "{dump_from}" '
            "(the password from PGPASSWORD or ~/.pgpass)."
        )
    source = Path(url.database or "")
    if not source.is_file():
        raise InvalidInput(f"There is no database at {source}.")
    if out.exists():
        raise InvalidInput(f"{out} exists already; a backup never overwrites a file.")
    partial = out.with_name(out.name + ".partial")
    try:
        _copy(source, partial)
        partial.rename(out)
    finally:
        partial.unlink(missing_ok=True)
    return out.stat().st_size


def _copy(source: Path, target: Path) -> None:
    with (
        contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as live,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        live.backup(copy)
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise InvalidInput(f"The copy failed its integrity check: {verdict}")
