"""`GET /photos/<name>.jpg` and `/photos/<name>-thumb.jpg`: member photos, for signed-in
staff only.

An <img> cannot send the token the WebSocket carries, so the tab also keeps the staff
session in a cookie scoped to /photos, SameSite=Strict (states.auth.AuthState.photo_pass):
another site's page cannot make the browser send it, and it opens nothing but this route.
The session is checked as the guard checks it; the photo's name is random (144 bits), and
a stored photo is never changed in place, so browsers may keep it.
"""

from __future__ import annotations

import asyncio
import re

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gym_live.domain.errors import GymLiveError
from gym_live.services import sessions
from gym_live.services.deps import app_deps

PHOTO_COOKIE = "gym_live_photos"
PREFIX = "/photos"
_FILE = re.compile(r"(?P<name>[A-Za-z0-9_-]{24})(?P<thumbnail>-thumb)?\.jpg")
# Private: a shared cache must not keep a member's face for the next person.
_CACHING = "private, max-age=86400, immutable"


def photo_url(name: str | None, *, thumbnail: bool = True) -> str:
    """Where a page finds the member's photo ("" when there is none)."""
    return f"{PREFIX}/{name}{'-thumb' if thumbnail else ''}.jpg" if name else ""


async def serve_photo(request: Request) -> Response:
    deps = app_deps()
    try:
        await asyncio.to_thread(
            sessions.authenticate, request.cookies.get(PHOTO_COOKIE, ""), deps=deps
        )
    except GymLiveError:
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


# Reflex mounts its own app under this one (rx.App's api_transformer).
photos = Starlette(routes=[Route(PREFIX + "/{file}", serve_photo, methods=["GET"])])
