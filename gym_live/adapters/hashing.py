"""Password and PIN hashing, behind one passlib context (argon2id).

Parameters are OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): about 40 ms a
verification here, which a door kiosk can afford on every PIN and which makes offline
guessing of a leaked hash expensive. Staff passwords use the same context; a hash made with
other parameters is replaced at the next successful sign-in (`needs_rehash`). passlib's
bcrypt backend is avoided: passlib 1.7.4 fails its self-test against bcrypt 5.
"""

from __future__ import annotations

import functools

from passlib.context import CryptContext


@functools.cache
def _context() -> CryptContext:
    return CryptContext(
        schemes=["argon2"],
        argon2__type="ID",
        argon2__memory_cost=19 * 1024,
        argon2__time_cost=2,
        argon2__parallelism=1,
    )


def hash_secret(secret: str) -> str:
    return _context().hash(secret)


def verify_secret(secret: str, hashed: str) -> bool:
    """True when `secret` matches; a malformed stored hash counts as no match."""
    try:
        return _context().verify(secret, hashed)
    except (ValueError, TypeError):
        return False


def needs_rehash(hashed: str) -> bool:
    """True when a stored hash was made with other parameters than the current ones."""
    return _context().needs_update(hashed)


def verify_nothing(secret: str) -> None:
    """Spend what a verification costs, for a username that does not exist, so the answer
    takes as long as for one that does (no telling usernames apart by timing)."""
    _context().verify(secret, _dummy_hash())


@functools.cache
def _dummy_hash() -> str:
    return _context().hash("gym_live: no such account")
