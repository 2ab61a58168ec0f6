"""`/widget/<location id>`: how busy a location is, for a gym's website to show in an
`<iframe>` (the snippet is on /integrations).

A small page of its own, not a Reflex page: a website's visitors must not each hold a
WebSocket to an instance. It is drawn on the server with the figures of now, then asks the
public occupancy answer again every POLL_SECONDS (answered from the live views in memory:
no database read), and writes the new figures as text. It carries no member data, and it
is the one page another site may frame: its own Content-Security-Policy says so
(security_headers keeps a response's own policy).
"""

from __future__ import annotations

from html import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from gym_live import wording
from gym_live.api import LocationOccupancy, occupancy_of
from gym_live.domain.errors import NotFound, NotReady

WIDGET = "/widget"
SCRIPT = f"{WIDGET}/live.js"
POLL_SECONDS = 5
# Any site may frame it; it runs only its own script and talks only to this server.
WIDGET_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "style-src 'unsafe-inline'",
        "img-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors *",
    )
)
_HEADERS = {"content-security-policy": WIDGET_POLICY, "cache-control": "no-cache"}
_STYLE = """
:root { color-scheme: light dark; font-family: system-ui, sans-serif;
  --bg: #ffffff; --fg: #1c2024; --muted: #60646c;
  --quiet: #18794e; --moderate: #0d4fb8; --busy: #ab4800; --full: #ce2c31; }
@media (prefers-color-scheme: dark) { :root { --bg: #111113; --fg: #edeef0; --muted: #b0b4ba;
  --quiet: #3dd68c; --moderate: #9cc3ff; --busy: #ffa057; --full: #ff9592; } }
html { background: var(--bg); color: var(--fg); }
body { margin: 0; padding: 12px 16px; }
h1 { font-size: 1rem; margin: 0 0 4px; }
.level { font-size: 1.6rem; font-weight: 700; margin: 0; }
.level[data-level=quiet] { color: var(--quiet); }
.level[data-level=moderate] { color: var(--moderate); }
.level[data-level=busy] { color: var(--busy); }
.level[data-level=full] { color: var(--full); }
p { margin: 2px 0; }
.muted { color: var(--muted); font-size: .85rem; }
"""
_SCRIPT = f"""
"use strict";
const widget = document.getElementById("widget");
const url = "/api/v1/locations/" + widget.dataset.location + "/occupancy";
const show = (id, text) => {{ document.getElementById(id).textContent = text; }};
const levels = {{{", ".join(f'"{k}": "{v}"' for k, v in wording.BUSY_LEVELS.items())}}};
async function refresh() {{
  try {{
    const answer = await fetch(url, {{ cache: "no-store" }});
    if (!answer.ok) throw new Error(String(answer.status));
    const now = await answer.json();
    const level = document.getElementById("level");
    level.dataset.level = now.level;
    show("level", levels[now.level] || now.level);
    show("inside", now.inside_now + " of " + now.capacity + " inside");
    show("usual", "Usually at this time: " + (levels[now.usual_level] || now.usual_level));
    show("status", "");
  }} catch (failed) {{
    show("status", "Not updating right now; trying again.");
  }}
}}
setInterval(refresh, {POLL_SECONDS * 1000});
"""


def embed_snippet(origin: str, location_id: int, name: str) -> str:
    """The HTML a website pastes to show the widget of a location."""
    title = escape(f"How busy is {name}", quote=True)
    return (
        f'<iframe src="{origin}{WIDGET}/{location_id}" title="{title}" '
        'width="320" height="150" style="border:0"></iframe>'
    )


async def widget_page(request: Request) -> Response:
    location_id = request.path_params["location_id"]
    try:
        now = await occupancy_of(location_id)
    except NotFound:
        return _page("Not found", "<p>There is no such location.</p>", status_code=404)
    except NotReady:
        return _page("Starting", "<p>Starting up; try again in a moment.</p>", status_code=503)
    return _page(f"How busy is {now.name}", _figures(now))


def _figures(now: LocationOccupancy) -> str:
    level, usual = wording.BUSY_LEVELS[now.level], wording.BUSY_LEVELS[now.usual_level]
    return (
        f"<div id='widget' data-location='{now.id}'>"
        f"<h1>{escape(now.name)}</h1>"
        f"<p id='level' class='level' data-level='{now.level.value}' aria-live='polite'>"
        f"{level}</p>"
        f"<p id='inside'>{now.inside_now} of {now.capacity} inside</p>"
        f"<p id='usual' class='muted'>Usually at this time: {usual}</p>"
        "<p id='status' class='muted' role='status'></p>"
        f"</div><script src='{SCRIPT}'></script>"
    )


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status_code, headers=_HEADERS)


async def widget_script(request: Request) -> Response:
    return Response(_SCRIPT, media_type="text/javascript", headers=_HEADERS)


# Reflex mounts its own app under this one (rx.App's api_transformer).
widget = Starlette(
    routes=[
        Route(SCRIPT, widget_script, methods=["GET"]),
        Route(WIDGET + "/{location_id:int}", widget_page, methods=["GET"]),
    ]
)
