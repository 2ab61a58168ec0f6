"""A CSV file sent as it is read: a page of lines at a time, each page read in a worker
thread, so a file of a million lines is sent in the memory of one page."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

from starlette.responses import StreamingResponse

Cursor = TypeVar("Cursor")
# The lines after a cursor (None: from the start), and the cursor after them (None: done).
NextPage = Callable[[Cursor | None], tuple[str, Cursor | None]]


def csv_download(filename: str, first: str, next_page: NextPage[Cursor]) -> StreamingResponse:
    """`first` (the headings), then every page, as an attachment no cache keeps."""
    return StreamingResponse(
        _pages(first, next_page),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


async def _pages(first: str, next_page: NextPage[Cursor]) -> AsyncIterator[bytes]:
    # A byte-order mark, so that spreadsheet programs read the file as UTF-8.
    yield ("\ufeff" + first).encode()
    after: Cursor | None = None
    while True:
        lines, after = await asyncio.to_thread(next_page, after)
        yield lines.encode()
        if after is None:
            return
