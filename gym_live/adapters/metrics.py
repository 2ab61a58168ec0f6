"""What an instance counts and times, for its /metrics (Prometheus' text format).

One set per process, as prometheus-client keeps them: every instance is scraped on its own,
and Prometheus adds the instances up. What is counted at scrape time (open pages, the bus)
is in operations.py. Times are taken with the histograms' own `time()`.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from gym_live.domain.events import EventKind, GymEvent

# From a fraction of a millisecond (one room's send) to seconds (a reconcile under load).
_SECONDS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

SCANS = Counter("gym_live_scans", "Scans this instance answered, by result.", ["result"])
DENIALS = Counter("gym_live_denials", "Scans this instance refused, by reason.", ["reason"])
FANOUT_SEND = Histogram(
    "gym_live_fanout_send_seconds",
    "Time to hand one change to every socket of a room on this instance.",
    buckets=_SECONDS,
)
BUS_LAG = Histogram(
    "gym_live_bus_lag_seconds",
    "From an event's commit to its arrival at this instance's relay.",
    buckets=_SECONDS,
)
SEQUENCE_BREAKS = Counter(
    "gym_live_bus_sequence_breaks",
    "Events heard from the bus out of their location's order (a gap, a repeat, a step "
    "back); like every event, each makes this instance re-read that location.",
    ["kind"],
)
RECONCILE = Histogram(
    "gym_live_reconcile_seconds",
    "Duration of a reconcile round (every location re-read from the database).",
    buckets=_SECONDS,
)


def count_scan(event: GymEvent) -> None:
    """A scan's committed outcome: a check-in, a check-out or a refusal (with its reason)."""
    SCANS.labels(result=event.kind.value).inc()
    if event.kind is EventKind.DENIED:
        DENIALS.labels(reason=event.reason or "unknown").inc()
