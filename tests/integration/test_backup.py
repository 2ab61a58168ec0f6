"""`python -m gym_live backup`: a whole copy of a database in use, restored on a copy."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import sqlalchemy as sa

from gym_live.adapters.bus import MemoryBus
from gym_live.adapters.migrations import check_schema
from gym_live.domain.checkin import Source
from gym_live.domain.errors import GymLiveError
from gym_live.models import Visit
from gym_live.services import checkin
from gym_live.services.deps import Deps, utc_now
from gym_live.settings import Settings
from tests.helpers.builders import count
from tests.helpers.cli import Cli
from tests.helpers.databases import sqlite_copy


def test_a_backup_taken_while_the_doors_scan_restores_as_a_working_gym(
    tmp_path: Path, sqlite_template: Path
) -> None:
    database = sqlite_copy(sqlite_template, tmp_path / "gym.db")
    cli = Cli(database)
    cli("seed-demo", "--members", "300")
    deps = Deps(
        engine=sa.create_engine(database, poolclass=sa.NullPool),
        bus=MemoryBus(),
        settings=Settings(database_url=database, timezone="Europe/Berlin"),
        clock=utc_now,
    )
    members = [m["code"] for m in cli.json("member", "list")["members"] if m["status"] == "active"]
    before = count(deps, Visit)
    stop, scanned = threading.Event(), []

    def door() -> None:  # the gym goes on while the backup runs
        for code in members:
            if stop.is_set():
                return
            try:
                scanned.append(checkin.scan(code, source=Source.KIOSK, deps=deps))
            except GymLiveError:  # an expired card is refused; the door goes on
                continue

    doors = threading.Thread(target=door)
    doors.start()
    backed_up = cli.json("backup", "--out", str(tmp_path / "gym-backup.db"))
    stop.set()
    doors.join(30)
    after = count(deps, Visit)
    assert scanned and backed_up["bytes"] > 0
    assert not (tmp_path / "gym-backup.db.partial").exists()

    # Restore, as the README says: the backup file, copied to where the database lives.
    restored = tmp_path / "restored.db"
    shutil.copy(tmp_path / "gym-backup.db", restored)
    again = Cli(f"sqlite:///{restored}")
    check_schema(again.env["DATABASE_URL"])
    restored_engine = sa.create_engine(again.env["DATABASE_URL"], poolclass=sa.NullPool)
    restored_visits = count(Deps(restored_engine, MemoryBus(), deps.settings), Visit)
    assert before <= restored_visits <= after  # one moment's database, mid-stream
    assert again.json("member", "list")["members"] == cli.json("member", "list")["members"]
    assert again.json("stats")["location"] == "Downtown"
    # And it goes on working: a new location, and someone who was inside checks out.
    again("location", "add", "Harbour", "--capacity", "40", "--timezone", "Europe/Berlin")
    with restored_engine.connect() as conn:
        inside = conn.execute(
            sa.text(
                "SELECT m.member_code FROM visit v JOIN member m ON m.id = v.member_id "
                "WHERE v.checked_out_at IS NULL LIMIT 1"
            )
        ).scalar_one()
    checked_out = again.json("checkout", inside, "--location", "Downtown")
    assert checked_out["action"] == "check_out"


def test_a_backup_never_overwrites_and_says_what_to_do_for_postgresql(
    tmp_path: Path, sqlite_template: Path
) -> None:
    cli = Cli(sqlite_copy(sqlite_template, tmp_path / "gym.db"))
    (tmp_path / "taken.db").write_text("yesterday's backup")
    refused = cli("backup", "--out", str(tmp_path / "taken.db"), ok=False)
    assert refused.stderr.strip() == (
        f"error: {tmp_path / 'taken.db'} exists already; a backup never overwrites a file."
    )
    assert (tmp_path / "taken.db").read_text() == "yesterday's backup"
    cli.env["DATABASE_URL"] = "postgresql+psycopg://gym:s3cret@db.example:5432/gym_live"
    postgres = cli("backup", "--out", "gym.dump", ok=False)
    assert postgres.stderr.strip() == (
        "error: `backup` copies SQLite databases. For PostgreSQL use its own tool: "
        'pg_dump --format=custom --file=gym.dump "postgresql://gym@db.example:5432/gym_live" '
        "(the password from PGPASSWORD or ~/.pgpass)."
    )
    assert "s3cret" not in postgres.stderr and not Path("gym.dump").exists()
    cli.env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'nowhere.db'}"
    missing = cli("backup", "--out", str(tmp_path / "b.db"), ok=False)
    assert missing.stderr.strip() == f"error: There is no database at {tmp_path / 'nowhere.db'}."
