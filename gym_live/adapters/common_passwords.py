"""The commonest passwords (of 10 characters or more), shipped in common_passwords.txt."""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def common_passwords() -> frozenset[str]:
    """Lower-cased; read once, on first use."""
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip())
