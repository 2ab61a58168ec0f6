"""Members from a CSV file: a preview of every row (new, already a member, or what is
wrong), then the good new rows written in one transaction. A second run of the same file
adds nobody twice: a row is matched to a member by card number, then by email."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from gym_live.adapters.db import read_session, write_session
from gym_live.domain.audit import AuditKind
from gym_live.domain.member_import import ImportRow, decode, read_rows
from gym_live.domain.members import MemberStatus, Plan, search_key, search_text
from gym_live.models import Member
from gym_live.services import audit
from gym_live.services.deps import Deps
from gym_live.services.members import new_code


@dataclass(frozen=True)
class PreviewLine:
    row: ImportRow
    already: str | None = None  # the card number of the member this row already is

    @property
    def importable(self) -> bool:
        return not self.row.problems and self.already is None


@dataclass(frozen=True)
class ImportPreview:
    lines: list[PreviewLine]

    @property
    def new(self) -> int:
        return sum(line.importable for line in self.lines)

    @property
    def already(self) -> int:
        return sum(line.already is not None for line in self.lines)

    @property
    def refused(self) -> int:
        return sum(bool(line.row.problems) for line in self.lines)


def preview(data: bytes, *, deps: Deps) -> ImportPreview:
    """What an import of this file would do, row by row; nothing is written.

    Raises:
        InvalidInput: the file as a whole cannot be read (see domain.member_import).
    """
    rows = read_rows(decode(data), deps.today())
    with read_session(deps.engine) as session:
        return _matched(session, rows)


def import_members(data: bytes, *, by: int | None = None, deps: Deps) -> ImportPreview:
    """Write every importable row, in one transaction (checked again inside it), and
    record the import in the audit trail; what was done, row by row."""
    rows = read_rows(decode(data), deps.today())
    now = deps.clock()
    with write_session(deps.engine) as session:
        done = _matched(session, rows)
        taken = set(session.scalars(sa.select(Member.member_code)))
        members = []
        for line in done.lines:
            if line.importable:
                code = line.row.code or new_code(taken)
                taken.add(code)
                members.append(_member(line.row, code, now))
        if members:
            session.execute(sa.insert(Member), members)
        detail = f"{done.new} added, {done.already} already members, {done.refused} refused"
        audit.record(
            session, AuditKind.MEMBERS_IMPORTED, f"{len(rows)} rows", by=by, at=now, detail=detail
        )
        session.commit()
    return done


def _matched(session: Session, rows: list[ImportRow]) -> ImportPreview:
    codes = set(session.scalars(sa.select(Member.member_code)))
    by_email = dict(
        session.execute(
            sa.select(Member.email, Member.member_code).where(Member.email.is_not(None))
        ).all()
    )
    lines = []
    for row in rows:
        if row.code is not None and row.code in codes:
            lines.append(PreviewLine(row, row.code))
        elif row.email is not None and row.email in by_email:
            lines.append(PreviewLine(row, by_email[row.email]))
        else:
            lines.append(PreviewLine(row))
    return ImportPreview(lines)


def _member(row: ImportRow, code: str, now: object) -> dict[str, object]:
    """A row for a bulk insert (the model's listener keeps the search columns of single
    members; here they are written with the row)."""
    on_visits = row.pass_visits is not None and row.valid_until is None
    return {
        "id": uuid.uuid4(),
        "member_code": code,
        "full_name": row.full_name,
        "email": row.email,
        "phone": row.phone,
        "status": MemberStatus.ACTIVE.value,
        "valid_until": row.valid_until,
        "plan": (Plan.VISITS if on_visits else Plan.TIME).value,
        "visits_left": row.pass_visits,
        "created_at": now,
        "search_key": search_key(row.full_name),
        "search_text": search_text(row.full_name, code, row.email, row.phone),
    }
