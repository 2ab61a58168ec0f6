"""What a load balancer and a monitoring system ask an instance, over plain HTTP.

- `/ping` (Reflex's own): the process answers. Liveness: restart it if this fails.
- `/ready`: it can do its work: the database answers, Redis answers when configured, and
  its live views are loaded. Readiness: send it traffic only while this says 200.
- `/metrics`: counts and times in Prometheus' text format (adapters/metrics.py), and what
  is open on this instance at the moment of the scrape.

Neither names a member nor a secret (no URLs, no error texts from the database), so they
need no session; keep them off the public address all the same (deploy/nginx.conf).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator

import redis.asyncio as aioredis
import sqlalchemy as sa
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gym_live.live.hub import get_hub
from gym_live.live.rooms import DASHBOARD, KIOSK

READY, METRICS = "/ready", "/metrics"
# A check that has not answered in this long has failed (a probe must answer, not hang).
CHECK_SECONDS = 2.0
OK = "ok"


async def ready(request: Request) -> Response:
    """200 when every check passes, else 503; the body says which failed."""
    hub = get_hub()
    checks = {
        "database": await _check(asyncio.to_thread(_select_one, hub.deps.engine)),
        "redis": (
            await _check(_ping(hub.deps.settings.redis_url))
            if hub.deps.settings.redis_url
            else "not configured"
        ),
        "live_views": OK if hub.loaded else "not loaded yet",
    }
    is_ready = all(result in (OK, "not configured") for result in checks.values())
    return JSONResponse(
        {"ready": is_ready, **checks},
        status_code=200 if is_ready else 503,
        headers={"cache-control": "no-store"},
    )


async def _check(probe: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(probe, CHECK_SECONDS)
    except TimeoutError:
        return f"no answer in {CHECK_SECONDS:g} s"
    except Exception as exc:  # any failure is an answer: not ready, and why in a word
        return f"unreachable ({type(exc).__name__})"
    return OK


def _select_one(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))


async def _ping(url: str) -> None:
    client = aioredis.Redis.from_url(url, socket_timeout=CHECK_SECONDS)
    try:
        await client.ping()
    finally:
        await client.aclose()


async def metrics(request: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


class OpenOnThisInstance:
    """Read at each scrape: the pages open here, and the event bus's state."""

    def collect(self) -> Iterator[Metric]:
        hub = get_hub()
        pages, bus = hub.open_pages(), hub.deps.bus
        yield GaugeMetricFamily(
            "gym_live_open_dashboards",
            "Dashboard sockets open on this instance.",
            value=pages[DASHBOARD],
        )
        yield GaugeMetricFamily(
            "gym_live_open_kiosks", "Door kiosk sockets open on this instance.", value=pages[KIOSK]
        )
        yield GaugeMetricFamily(
            "gym_live_bus_delayed",
            "1 while this instance may miss other instances' events (Redis away).",
            value=int(bus.delayed),
        )
        lost = CounterMetricFamily(
            "gym_live_bus_events_lost",
            "Events this instance could not hand to the bus, by why.",
            labels=["why"],
        )
        lost.add_metric(["backlog_full"], bus.dropped)
        lost.add_metric(["bus_refused"], bus.failed)
        yield lost


REGISTRY.register(OpenOnThisInstance())
operations = Starlette(
    routes=[Route(READY, ready, methods=["GET"]), Route(METRICS, metrics, methods=["GET"])]
)
