"""`/members/import` (admins, by the guard: the handlers are in no front-desk list): a CSV
file of members, previewed row by row, then imported."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from gym_live.domain.errors import GymLiveError
from gym_live.domain.member_import import MAX_IMPORT_BYTES
from gym_live.services import member_import
from gym_live.services.deps import app_deps
from gym_live.services.member_import import ImportPreview
from gym_live.states.acting import as_staff, done, refused

# The preview lists this many rows with problems (the counts cover them all).
PROBLEMS_SHOWN = 200
FILE_RULE = "A CSV file of at most 20 MB (comma, semicolon or tab; UTF-8 or Windows-1252)."


class MemberImportState(rx.State):
    file_name: str = ""
    counts: dict[str, int] = {}
    problems: list[dict[str, str]] = []
    error: str = ""
    imported: bool = False
    _file: bytes = b""  # the uploaded file, until it is imported or replaced

    @rx.event
    def open_import_page(self) -> None:
        self._forget()

    @rx.event
    async def preview_file(self, files: list[rx.UploadFile]) -> None:
        if not files:
            return
        upload = await files[0].read(MAX_IMPORT_BYTES + 1)
        self._forget()
        try:
            seen = await asyncio.to_thread(member_import.preview, upload, deps=app_deps())
        except GymLiveError as exc:
            self.error = exc.message
            return
        self._file, self.file_name = upload, (files[0].name or "the file")[:120]
        self._show(seen)

    @rx.event
    def file_refused(self, _rejected: list[dict[str, Any]]):  # noqa: ANN201  (a toast)
        return rx.toast.error(FILE_RULE, close_button=True)

    @rx.event
    async def import_file(self):  # noqa: ANN201  (a toast)
        if not self._file or self.imported:
            return None
        try:
            result = await as_staff(self, member_import.import_members, self._file)
        except GymLiveError as exc:
            return refused(exc)
        self._show(result)
        self.imported, self._file = True, b""
        return done(f"{result.new} members imported.")

    def _show(self, seen: ImportPreview) -> None:
        self.counts = {"new": seen.new, "already": seen.already, "refused": seen.refused}
        self.problems = [
            {
                "line": str(line.row.line),
                "name": line.row.full_name,
                "problems": " ".join(line.row.problems),
            }
            for line in seen.lines
            if line.row.problems
        ][:PROBLEMS_SHOWN]

    def _forget(self) -> None:
        self.file_name, self.counts, self.problems, self.error = "", {}, [], ""
        self.imported, self._file = False, b""
