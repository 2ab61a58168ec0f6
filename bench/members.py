"""Scenario `members`: the members list's server time at 50,000 members, SQLite and
PostgreSQL, for what staff type and pick (find_members in-process: what a search costs the
server, without the network or the browser)."""

from __future__ import annotations

import contextlib
import functools
import statistics
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.harness import CHUNK, migrate, write_result
from devtools.servers import postgres_server
from gym_live.adapters.bus import MemoryBus
from gym_live.adapters.db import build_engine, get_engine
from gym_live.domain.member_list import MemberFilter, MemberSort, Validity
from gym_live.domain.members import MemberStatus, search_key, search_text
from gym_live.models import Location, Member, Visit
from gym_live.services import member_export, member_import
from gym_live.services.deps import Deps
from gym_live.services.members import find_members
from gym_live.settings import Settings

MEMBERS = 50_000
VISITS = 200_000
RUNS = 30
FIRST = (
    "Anna",
    "Ben",
    "Chloé",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Lukas",
    "Mia",
    "Noah",
    "Olga",
    "Paul",
    "Rosa",
    "Sven",
    "Tara",
    "Yusuf",
)
LAST = (
    "Schmidt",
    "Müller",
    "Okafor",
    "Nguyen",
    "García",
    "Kowalski",
    "Öztürk",
    "Rossi",
    "Dubois",
    "Jensen",
    "Novák",
    "Silva",
    "Kim",
    "Haddad",
    "Ivanova",
    "Lopez",
    "Weber",
    "Fischer",
    "Yamamoto",
    "Becker",
    "Andersson",
    "Costa",
    "Horvat",
    "Meyer",
    "Klein",
)
# What the desk types and picks, in the order a person would.
SEARCHES: dict[str, MemberFilter] = {
    "no filter, by name": MemberFilter(),
    "typing 'a'": MemberFilter(text="a"),
    "typing 'ann'": MemberFilter(text="ann"),
    "typing 'anna sch'": MemberFilter(text="anna sch"),
    "accent-free 'ozturk'": MemberFilter(text="ozturk"),
    "a rare name 'yusuf yamamoto'": MemberFilter(text="yusuf yamamoto"),
    "card number prefix": MemberFilter(text="3001"),
    "email part": MemberFilter(text="muller12"),
    "phone digits": MemberFilter(text="170 555 12"),
    "no match": MemberFilter(text="zzzz"),
    "expiring within 14 days": MemberFilter(validity=Validity.EXPIRING),
    "expired, by end date": MemberFilter(validity=Validity.EXPIRED, sort=MemberSort.VALID_UNTIL),
    "frozen": MemberFilter(status=MemberStatus.FROZEN),
    "inside now": MemberFilter(inside_only=True),
    "by last visit, latest first": MemberFilter(sort=MemberSort.LAST_VISIT, descending=True),
    # The deepest page the pager reaches: it counts up to 1,000 matches (41 pages), and
    # more are narrowed by searching, not paged through.
    "page 41 by name": MemberFilter(page=41),
    "'anna' by last visit": MemberFilter(text="anna", sort=MemberSort.LAST_VISIT, descending=True),
}


def members() -> list[dict[str, Any]]:
    print(f"members: the members list at {MEMBERS:,} members and {VISITS:,} visits, {RUNS} runs")
    rows = []
    for kind, database in (("sqlite", _sqlite), ("postgresql", postgres_server)):
        with database() as url:
            began = time.perf_counter()
            _seed(url)
            print(f"  {kind}: seeded in {time.perf_counter() - began:.1f} s", flush=True)
            deps = Deps(engine=get_engine(url), bus=MemoryBus(), settings=Settings(url))
            every: list[float] = []
            for name, wanted in SEARCHES.items():
                samples = _timed(functools.partial(find_members, wanted, deps=deps))
                every += samples
                row = {"database": kind, "search": name, **_figures(samples)}
                rows.append(row)
                print(
                    f"    {name:<32} p50 {row['p50_ms']:>6} ms  p95 {row['p95_ms']:>6} ms  "
                    f"max {row['max_ms']:>6} ms",
                    flush=True,
                )
            overall = {"database": kind, "search": "all of the above", **_figures(every)}
            rows.append(overall)
            print(f"    all searches together: p95 {overall['p95_ms']} ms", flush=True)
            rows.append({"database": kind, **_import_timed(deps)})
            rows.append({"database": kind, **_export_timed(deps)})
            deps.engine.dispose()
    print(f"  -> {write_result('members', {'results': rows})}")
    return rows


IMPORTED = 20_000


def _import_timed(deps: Deps) -> dict[str, Any]:
    """A CSV of IMPORTED new members (and one line already there), previewed and then
    imported into the seeded club, each once."""
    lines = ["name;email;phone;valid_until;code;pass_visits"] + [
        f"Imported Member {n};imported{n}@example.org;+49 30 {n:07d};2027-12-31;;"
        for n in range(IMPORTED)
    ]
    data = "\n".join(lines).encode()
    began = time.perf_counter()
    seen = member_import.preview(data, deps=deps)
    previewed = time.perf_counter() - began
    began = time.perf_counter()
    done = member_import.import_members(data, deps=deps)
    imported = time.perf_counter() - began
    assert seen.new == done.new == IMPORTED, (seen.new, done.new)
    print(
        f"    import {IMPORTED:,} rows: preview {previewed:.2f} s, import {imported:.2f} s",
        flush=True,
    )
    return {"search": f"import {IMPORTED} rows", "preview_s": previewed, "import_s": imported}


def _export_timed(deps: Deps) -> dict[str, Any]:
    """Every member (the seeded club and the import) as `/members/export.csv` sends them,
    page by page: the time once, then the most memory the pages held at once."""

    def export() -> tuple[int, int]:
        sent, lines, after = 0, 0, None
        while True:
            text, after = member_export.next_lines(after, deps=deps)
            sent, lines = sent + len(text.encode()), lines + text.count("\n")
            if after is None:
                return sent, lines

    began = time.perf_counter()
    sent, lines = export()
    took = time.perf_counter() - began
    tracemalloc.start()
    export()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"    export {lines:,} members ({sent / 2**20:.1f} MiB): {took:.2f} s, "
        f"at most {peak / 2**20:.1f} MiB held",
        flush=True,
    )
    return {
        "search": f"export {lines} members",
        "export_s": took,
        "mib": sent / 2**20,
        "peak_mib": peak / 2**20,
    }


@contextlib.contextmanager
def _sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="gym_bench_members_") as tmp:
        yield f"sqlite:///{Path(tmp) / 'members.db'}"


def _timed(work: Callable[[], object]) -> list[float]:
    work()  # warm
    samples = []
    for _ in range(RUNS):
        began = time.perf_counter()
        work()
        samples.append(time.perf_counter() - began)
    return samples


def _figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "runs": len(samples),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def _seed(url: str) -> None:
    """Members with names, emails and phones as a chain has them; some frozen, some
    cancelled, end dates spread over two years either side of today; visits over a year,
    300 of them open."""
    migrate(url)
    engine = build_engine(url, pooled=False)
    today, now = date.today(), datetime.now(UTC)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(Location.__table__),
                [{"name": "Downtown", "capacity": 5000, "timezone": "UTC"}],
            )
            for start in range(0, MEMBERS, CHUNK):
                conn.execute(
                    sa.insert(Member.__table__),
                    [_member(i, today, now) for i in range(start, min(start + CHUNK, MEMBERS))],
                )
            for start in range(0, VISITS, CHUNK):
                conn.execute(
                    sa.insert(Visit.__table__),
                    [_visit(k, now) for k in range(start, min(start + CHUNK, VISITS))],
                )
            conn.execute(
                sa.text(
                    "UPDATE member SET last_visit_at = (SELECT max(visit.checked_in_at) "
                    "FROM visit WHERE visit.member_id = member.id)"
                )
            )
        if engine.dialect.name == "postgresql":  # as autovacuum does after a load
            with engine.connect() as conn:
                conn.execute(sa.text("ANALYZE"))
                conn.commit()
    finally:
        engine.dispose()


def _member(i: int, today: date, now: datetime) -> dict[str, Any]:
    first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
    name = f"{first} {last}" if i % 3 else f"{first} {last}-{LAST[i % len(LAST)]}"
    status = "frozen" if i % 50 == 7 else "cancelled" if i % 80 == 3 else "active"
    code = str(30_000_000 + i)
    email = f"{search_key(last).replace(' ', '')}{i}@example.com"
    phone = f"+49170555{i:05d}" if i % 4 else None
    return {
        "id": uuid.UUID(int=i + 1),
        "member_code": code,
        "full_name": name,
        "search_key": search_key(name),
        "search_text": search_text(name, code, email, phone),
        "email": email,
        "phone": phone,
        "status": status,
        "valid_until": today + timedelta(days=(i * 37) % 1460 - 730),
        "created_at": now,
    }


def _visit(k: int, now: datetime) -> dict[str, Any]:
    began = now - timedelta(seconds=600 + (k * 2_654_435_761) % (365 * 86_400))
    is_open = k < 300
    return {
        "member_id": uuid.UUID(int=(k * 7919) % MEMBERS + 1),
        "location_id": 1,
        "checked_in_at": now - timedelta(minutes=5 + k) if is_open else began,
        "checked_out_at": None if is_open else began + timedelta(minutes=45),
        "checkout_reason": None if is_open else "member",
        "source": "kiosk",
    }
