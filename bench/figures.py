"""Percentiles as every scenario prints them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def summary(samples: Sequence[float]) -> dict[str, Any]:
    """p50/p95/p99/max in ms (nearest rank), with the sample count."""
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]

    return {
        "n": len(ordered),
        "p50_ms": round(rank(50) * 1000, 1),
        "p95_ms": round(rank(95) * 1000, 1),
        "p99_ms": round(rank(99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def line(label: str, s: dict[str, Any]) -> str:
    if not s.get("n"):
        return f"  {label}: no samples"
    return (
        f"  {label}: p50 {s['p50_ms']} ms  p95 {s['p95_ms']} ms  p99 {s['p99_ms']} ms"
        f"  max {s['max_ms']} ms  (n={s['n']})"
    )
