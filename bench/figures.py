"""Percentiles as every scenario prints them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
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


def save_chart(path: Path, title: str, draw: Callable[[Any], None]) -> Path | None:
    """A PNG beside a scenario's JSON: `draw(axes)` plots, this does the rest. Skipped
    without matplotlib (a dev requirement)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("  matplotlib not installed: no chart")
        return None
    fig, ax = plt.subplots(figsize=(7, 4.2))
    draw(ax)
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
