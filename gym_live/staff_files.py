"""Files for signed-in staff, over plain HTTP: member photos (`/photos/<name>.jpg`,
`/photos/<name>-thumb.jpg`) and every member as CSV (`/members/export.csv`, admins).

An <img> or a download link cannot send the token the WebSocket carries, so the tab also
keeps the staff session in a SameSite=Strict cookie (states.auth.AuthState.files_pass):
another site's page cannot make the browser send it, and only these routes read it. The
session is checked as the guard checks it. A photo's name is random (144 bits), and a
stored photo is never changed in place, so browsers may keep it.
"""

from __future__ import annotations

import asyncio
import functools
import re

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gym_live.csv_download import csv_download
from gym_live.domain.errors import GymLiveError
from gym_live.domain.staff import Role, StaffMember
from gym_live.pages import routes
from gym_live.services import member_export, sessions
from gym_live.services.deps import Deps, app_deps

FILES_COOKIE = "gym_live_files"
PHOTOS = "/photos"
MEMBERS_CSV = routes.MEMBERS + "/export.csv"
_FILE = re.compile(r"(?P<name>[A-Za-z0-9_-]{24})(?P<thumbnail>-thumb)?\.jpg")
# Private: a shared cache must not keep a member's face (or list) for the next person.
_CACHING = "private, max-age=86400, immutable"


def photo_url(name: str | None, *, thumbnail: bool = True) -> str:
    """Where a page finds the member's photo ("" when there is none)."""
    return f"{PHOTOS}/{name}{'-thumb' if thumbnail else ''}.jpg" if name else ""


async def signed_in_staff(request: Request, deps: Deps) -> StaffMember | None:
    """The signed-in staff member the request's cookie speaks for (None: nobody, or one
    who must first replace a handed-over password)."""
    try:
        staff = await asyncio.to_thread(
            sessions.authenticate, request.cookies.get(FILES_COOKIE, ""), deps=deps
        )
    except GymLiveError:
        return None
    return None if staff.must_change_password else staff


async def serve_photo(request: Request) -> Response:
    deps = app_deps()
    if await signed_in_staff(request, deps) is None:
        return Response("Sign in to see member photos.", status_code=403)
    wanted = _FILE.fullmatch(request.path_params["file"])
    photo = None
    if wanted is not None:
        photo = await asyncio.to_thread(
            deps.photos().read, wanted["name"], thumbnail=bool(wanted["thumbnail"])
        )
    if photo is None:
        return Response("No such photo.", status_code=404)
    return Response(photo, media_type="image/jpeg", headers={"cache-control": _CACHING})


async def export_members(request: Request) -> Response:
    """Every member, streamed a page at a time; recorded in the audit trail."""
    deps = app_deps()
    staff = await signed_in_staff(request, deps)
    if staff is None:
        return Response("Sign in as an admin to export the members.", status_code=403)
    if staff.role != Role.ADMIN:
        return Response("Only an admin can export the members.", status_code=403)
    first = await asyncio.to_thread(member_export.start_export, by=staff.id, deps=deps)
    next_page = functools.partial(member_export.next_lines, deps=deps)
    return csv_download(f"members-{deps.today().isoformat()}.csv", first, next_page)


# Reflex mounts its own app under this one (rx.App's api_transformer).
staff_files = Starlette(
    routes=[
        Route(PHOTOS + "/{file}", serve_photo, methods=["GET"]),
        Route(MEMBERS_CSV, export_members, methods=["GET"]),
    ]
)
