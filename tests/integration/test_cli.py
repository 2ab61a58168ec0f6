"""The operator CLI, run as operators run it: a process, its output and its exit code."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image

from gym_live.models import Location, ReportDay
from tests.helpers.cli import Cli
from tests.helpers.databases import fresh_postgres_database, sqlite_copy
from tests.helpers.stats import STATS_KEYS


@pytest.fixture
def cli(tmp_path: Path, sqlite_template: Path) -> Cli:
    """The CLI on a database at the newest schema (`migrate` itself: test_migrations)."""
    return Cli(sqlite_copy(sqlite_template, tmp_path / "cli.db"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_cli(request: pytest.FixtureRequest, cli: Cli) -> Cli:
    """The CLI on each supported database."""
    if request.param == "sqlite":
        return cli
    base = request.getfixturevalue("postgres_base_url")
    return Cli(fresh_postgres_database(base, template=request.getfixturevalue("postgres_template")))


def test_demo_then_scan_and_stats(any_cli: Cli) -> None:
    cli = any_cli
    seeded = cli.json("seed-demo", "--members", "30")
    assert seeded["members"] == 30 and seeded["visits"] > 0
    assert cli.json("seed-demo", "--if-empty")["seeded"] is False
    again = cli("seed-demo", ok=False)
    assert (
        again.stderr.strip()
        == "error: The database already has data; the demo only seeds an empty one."
    )

    before = cli.json("stats")
    assert set(before) >= STATS_KEYS and before["location"] == "Downtown"
    members = cli.json("member", "list")["members"]
    statuses = {m["status"] for m in members}
    assert statuses == {"active", "frozen", "cancelled"}
    outside = "10000030"  # the demo's last member: active, no visit today

    entered = cli.json("scan", outside)
    assert entered["action"] == "check_in" and entered["member"]["code"] == outside
    assert entered["visit"]["checked_out_at"] is None
    after = cli.json("stats")
    assert after["inside_now"] == before["inside_now"] + 1
    assert after["checkins_today"] == before["checkins_today"] + 1

    double = cli.json("scan", outside, ok=False)
    assert double["reason"] == "already_checked_in" and "Already checked in at" in double["message"]
    left = cli.json("checkout", outside)
    assert left["action"] == "check_out"
    assert left["visit"]["stay_seconds"] >= 0


def test_locations_members_and_refusals(cli: Cli) -> None:
    made = cli.json("location", "add", "Harbour", "--capacity", "2", "--timezone", "Asia/Tokyo")
    assert made["location"]["name"] == "Harbour"
    assert cli.json("location", "list")["locations"][0]["timezone"] == "Asia/Tokyo"
    code = cli("member", "add", "--name", "Mia Frozen", "--status", "frozen").stdout.strip()
    assert code.isdigit() and len(code) == 8
    cli("member", "add", "--name", "Old Timer", "--code", "old-1", "--valid-until", "2020-01-01")

    frozen = cli.json("scan", code, ok=False)
    assert (frozen["reason"], frozen["message"]) == ("frozen", "This membership is frozen.")
    assert cli.json("checkin", "OLD-1", ok=False)["reason"] == "expired"
    assert cli.json("scan", "' OR 1=1 --", ok=False)["reason"] == "invalid_code"
    assert cli.json("checkout", "12345678", ok=False)["reason"] == "unknown_code"
    assert cli.json("stats", "--location", "Nowhere", ok=False)["reason"] == "not_found"
    assert cli.json("sweep")["closed"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["location", "add", "X", "--capacity", "0", "--timezone", "UTC"], "Capacity must be"),
        (["location", "add", "X", "--capacity", "5", "--timezone", "Mars/Base"], "IANA"),
        (["member", "add", "--name", "   "], "needs a name"),
        (["member", "add", "--name", "A", "--code", "x"], "not a member code"),
        (["scan", "10000001"], "No location exists yet"),
    ],
)
def test_bad_input_gets_one_line_and_exit_1(cli: Cli, args: list[str], message: str) -> None:
    done = cli(*args, ok=False)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and message in done.stderr


def test_usage_errors_exit_2_with_help(cli: Cli) -> None:
    done = cli("member", "add", "--name", "Bo", "--valid-until", "31/12/2027", ok=False)
    assert done.returncode == 2 and "is not a date like 2027-01-31" in done.stderr
    assert "scan" in cli("--help").stdout


def test_member_card_carries_a_qr_code_a_scanner_reads_back(cli: Cli, tmp_path) -> None:
    code = cli("member", "add", "--name", "Zoë Card-Holder", "--valid-until", "2027-06-30").stdout
    out = tmp_path / "card.png"
    written = cli.json("member", "card", code.strip(), "--out", str(out))
    assert written["bytes"] == out.stat().st_size > 10_000
    with Image.open(out) as card:
        assert card.size == (1011, 638)
        found = zxingcpp.read_barcodes(card)
    assert [(r.text, r.format) for r in found] == [(code.strip(), zxingcpp.BarcodeFormat.QRCode)]
    missing = cli.json("member", "card", "12345678", "--out", str(out), ok=False)
    assert missing["reason"] == "not_found"
    nowhere = cli.json(
        "member", "card", code.strip(), "--out", str(tmp_path / "no" / "c.png"), ok=False
    )
    assert "Cannot write" in nowhere["message"]


def test_reports_recount_forgets_the_kept_days(cli: Cli) -> None:
    """After old visits are written behind the app's back, the reports count again."""
    cli("seed-demo", "--members", "10")
    engine = sa.create_engine(cli.env["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(
            sa.insert(ReportDay.__table__),
            [
                {
                    "location_id": 1,
                    "timezone": "Europe/Berlin",
                    "day": date(2026, 1, n),
                    "counts": "{}",
                    "counted_at": datetime.now(UTC),
                }
                for n in (1, 2)
            ],
        )
    cli("member", "add", "--name", "Pia Peak", "--code", "90000001")
    cli("checkin", "90000001", "--location", "Downtown")  # keeps today's peak
    peak_kept = sa.select(sa.func.count()).where(Location.peak_since.is_not(None))
    with engine.connect() as conn:
        assert conn.scalar(peak_kept) == 1
    assert cli.json("reports", "recount") == {"ok": True, "forgotten": 2}
    said = cli("reports", "recount").stdout.strip()
    assert said == (
        "0 kept report days and today's kept peaks forgotten: "
        "they are counted again from the visits."
    )
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(ReportDay)) == 0
        assert conn.scalar(peak_kept) == 0
    engine.dispose()
