"""What a member photo may be, as the desk is told it."""

from __future__ import annotations

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PHOTO_RULE = "A photo is a JPEG, PNG or WebP image of at most 5 MB."
# The form field an error about a photo is about.
PHOTO = "photo"
