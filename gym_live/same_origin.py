"""Pages that open their socket on the server that served them, whatever its address.

Reflex bakes the backend's address, port included, into the pages it builds
(`.web/env.json`, inlined into the bundle). gym_live serves the pages and the socket from
one server (serve.py), and behind a load balancer from one public address, so the right
socket is always the page's own origin: this plugin makes the built page use it. One build
then serves every port, every instance and any proxy in front, so instances started from one
checkout or one image share a build instead of each building (and overwriting) their own.

Kept apart from gym_live's other modules: rxconfig.py imports it while Reflex loads its config.
"""

from __future__ import annotations

from typing import Any

from reflex_base.plugins.base import Plugin

STATE_JS = "utils/state.js"
# Where Reflex 0.10's `getBackendURL` has parsed the baked address; the page's own origin
# replaces its scheme, host and port from there on (`wss:` under https, as Reflex does).
ANCHOR = "  const endpoint = new URL(url_str);\n"
MARKER = "gym_live: same origin"
SAME_ORIGIN = f"""{ANCHOR}  if (typeof window !== "undefined") {{  // {MARKER}
    const secure = window.location.protocol === "https:";
    const socket = endpoint.protocol === "ws:" || endpoint.protocol === "wss:";
    endpoint.protocol = socket ? (secure ? "wss:" : "ws:") : window.location.protocol;
    endpoint.hostname = window.location.hostname;
    endpoint.port = window.location.port;  // setting `host` alone keeps the baked port
    return endpoint;
  }}
"""


def use_page_origin(state_js: str) -> str:
    """Reflex's state.js with `getBackendURL` answering the page's own origin.

    Raises:
        RuntimeError: the Reflex template changed and the anchor is gone (an upgrade).
    """
    if MARKER in state_js:
        return state_js
    if state_js.count(ANCHOR) != 1:
        raise RuntimeError(
            f"gym_live cannot point the pages' socket at their origin: {STATE_JS} no longer "
            f"holds {ANCHOR.strip()!r} once (Reflex's template changed)"
        )
    return state_js.replace(ANCHOR, SAME_ORIGIN)


class SameOriginSocket(Plugin):
    """Registered in rxconfig.py; patches the page template at every compile."""

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](STATE_JS, use_page_origin)
