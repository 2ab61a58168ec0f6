"""Member photos: decoded and re-encoded by Pillow (nothing of the upload is kept but its
pixels), and stored outside the web root under names nobody can guess."""

from __future__ import annotations

import base64
import contextlib
import io
import os
import re
import secrets
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from gym_live.domain.errors import InvalidInput
from gym_live.domain.photos import MAX_UPLOAD_BYTES, PHOTO

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
PHOTO_SIDE, THUMBNAIL_SIDE = 512, 96
JPEG_QUALITY = 85
# A photo of more pixels than this is refused before it is decoded (a 5 MB file can hold a
# "decompression bomb" of billions of pixels).
MAX_PIXELS = 40_000_000
# 24 characters of the URL-safe alphabet: 144 random bits.
_NAME = re.compile(r"[A-Za-z0-9_-]{24}")


@dataclass(frozen=True)
class Photo:
    """A photo as stored: the square JPEG and its thumbnail."""

    full: bytes
    thumbnail: bytes

    def preview(self) -> str:
        """The thumbnail as a data URI, for a page to show before the photo is stored."""
        return "data:image/jpeg;base64," + base64.b64encode(self.thumbnail).decode("ascii")


def square_jpegs(upload: bytes) -> Photo:
    """The upload as a square JPEG of at most PHOTO_SIDE pixels, and a thumbnail, with no
    metadata (no EXIF, no location); turned upright first, as the camera meant it.

    Raises:
        InvalidInput: too large, or not a JPEG, PNG or WebP image.
    """
    if len(upload) > MAX_UPLOAD_BYTES:
        raise InvalidInput("A photo is at most 5 MB.", field=PHOTO)
    not_an_image = InvalidInput(
        "That file is not a photo: choose a JPEG, PNG or WebP image.", field=PHOTO
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(upload))
            if image.format not in ACCEPTED_FORMATS:
                raise not_an_image
            if image.width * image.height > MAX_PIXELS:
                raise InvalidInput(
                    "That photo has too many pixels (at most 40 million).", field=PHOTO
                )
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise not_an_image from None
    upright = ImageOps.exif_transpose(image).convert("RGB")
    square = ImageOps.fit(upright, (min(upright.size),) * 2, Image.Resampling.LANCZOS)
    return Photo(_jpeg(square, PHOTO_SIDE), _jpeg(square, THUMBNAIL_SIDE))


def _jpeg(square: Image.Image, side: int) -> bytes:
    sized = (
        square if square.width <= side else square.resize((side, side), Image.Resampling.LANCZOS)
    )
    out = io.BytesIO()
    sized.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif= : none is written
    return out.getvalue()


class PhotoStore:
    """Photo files in one folder (not served by the web server; see gym_live.staff_files)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, photo: Photo) -> str:
        """Store a photo under a new random name, which is returned."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = secrets.token_urlsafe(18)
        for path, data in (
            (self._path(name, False), photo.full),
            (self._path(name, True), photo.thumbnail),
        ):
            partial = path.with_suffix(".part")
            partial.write_bytes(data)
            os.replace(partial, path)  # a reader sees the whole file or none
        return name

    @contextlib.contextmanager
    def saved(self, photo: Photo) -> Iterator[str]:
        """Store a photo for the change run inside: deleted again if that change fails,
        so no file is left that nothing refers to."""
        name = self.save(photo)
        try:
            yield name
        except BaseException:
            self.delete(name)
            raise

    def read(self, name: str, *, thumbnail: bool) -> bytes | None:
        """The stored JPEG, or None for a name that is not one of ours."""
        if not _NAME.fullmatch(name):
            return None
        try:
            return self._path(name, thumbnail).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, name: str) -> None:
        if _NAME.fullmatch(name):
            for thumbnail in (False, True):
                self._path(name, thumbnail).unlink(missing_ok=True)

    def _path(self, name: str, thumbnail: bool) -> Path:
        return self.root / f"{name}{'-thumb' if thumbnail else ''}.jpg"
