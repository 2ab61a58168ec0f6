"""Apply the alembic migration chain to a database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def upgrade_to_head(database_url: str, *, revision: str = "head") -> None:
    """Bring the database at `database_url` to the newest schema, or to `revision`
    (idempotent)."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    command.upgrade(config, revision)
