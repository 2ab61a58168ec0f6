"""The ASGI app the server runs: Reflex's, with its event socket reached directly.

Reflex serves its socket under three nested Starlette stacks (its own, the API's, the
app's), each with error, CORS and exception middleware that only act on HTTP. An open
socket keeps a coroutine frame and a send wrapper in every layer for as long as the tab
stays open: about 20 KiB a tab, and a few calls on every frame sent to it
(bench/README.md, "memory per tab"). A WebSocket to `/_event` goes straight to the
socket app instead, with Reflex's contexts set as its own middleware sets them; origins
are still checked by engine.io (`reflex_compat.only_these_origins`), and everything else
(pages, API, lifespan) goes through Reflex's app unchanged.
"""

from __future__ import annotations

from gym_live import reflex_compat
from gym_live.security_headers import ASGIApp, Receive, Scope, Send


def app() -> ASGIApp:
    """The factory uvicorn calls (`gym_live.serve`)."""
    from gym_live.gym_live import app as reflex_app

    served = reflex_app()
    socket = reflex_compat.event_socket(reflex_app)
    path = reflex_compat.event_path()

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and (
            scope["path"] == path or scope["path"].startswith(path + "/")
        ):
            with reflex_app.set_contexts():
                await socket(scope, receive, send)
        else:
            await served(scope, receive, send)

    return serve
