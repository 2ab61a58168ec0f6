"""Apply the alembic migration chain to a database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def allow_audit_kinds(operations: Any, kinds: tuple[str, ...]) -> None:
    """For a migration: the audit table's kinds become `kinds`. SQLite cannot alter a
    CHECK constraint, so batch mode rebuilds the (small) audit table there."""
    with operations.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint("ck_kind", type_="check")
        listed = ", ".join(f"'{kind}'" for kind in kinds)
        batch_op.create_check_constraint("ck_kind", f"kind IN ({listed})")
