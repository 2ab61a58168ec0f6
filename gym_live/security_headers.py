"""Response headers that keep other sites from framing, sniffing or scripting the app's pages.

Added to every HTTP answer (pages, assets, /ping), not to the WebSocket. The
Content-Security-Policy is the strictest the built Reflex frontend works under (every page
is loaded under it in the browser tests, which fail on any violation): scripts, styles,
fonts and connections only from the app itself; no plugins, no other <base>, forms post
only here, and no framing. Reflex's pages carry inline scripts and Radix inline styles,
hence 'unsafe-inline' for those two, and Reflex runs its toasts and `rx.set_value` as
strings of script (`_call_script`, an eval), hence 'unsafe-eval'. What the policy still
stops: scripts, styles and fonts from any other site, connections (the exfiltration path)
to any other host, plugins, a foreign <base>, forms posting elsewhere, and framing. The
QR code is a `data:` image.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        # No page of this app may be shown inside another site's frame (clickjacking).
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
_NAMES = {name for name, _ in SECURITY_HEADERS}
_POLICY, _FRAME_OPTIONS = b"content-security-policy", b"x-frame-options"


def with_security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap an ASGI app so that every HTTP response carries SECURITY_HEADERS."""

    async def secured(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _secured(message.get("headers", []))
            await send(message)

        await app(scope, receive, send_secured)

    return secured


def _secured(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """SECURITY_HEADERS in place of the response's own, except a policy of its own: a page
    that sets one (the website widget, which other sites may frame) keeps it, and its
    frame-ancestors then decide framing alone."""
    own_policy = any(name.lower() == _POLICY for name, _ in headers)
    replaced = _NAMES - {_POLICY} if own_policy else _NAMES
    kept = [(k, v) for k, v in headers if k.lower() not in replaced]
    added = [
        (k, v) for k, v in SECURITY_HEADERS if not (own_policy and k in (_POLICY, _FRAME_OPTIONS))
    ]
    return [*kept, *added]
