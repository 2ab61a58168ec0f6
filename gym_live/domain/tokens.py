"""Long random secrets (kiosk device tokens, staff session tokens) and how they are stored."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """256 random bits, URL-safe: so a fast hash of it is safe to store and index."""
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """SHA-256 of a high-entropy secret: indexable, and useless to whoever reads the table.

    (Member PINs and staff passwords are low-entropy and use the slow passlib hash instead.)
    """
    return hashlib.sha256(secret.encode()).hexdigest()
