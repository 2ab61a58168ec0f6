"""Member photos: re-encoded square JPEGs with no metadata, stored under random names
outside the web root; anything else is refused with nothing stored."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from gym_live.adapters.photos import PHOTO_SIDE, THUMBNAIL_SIDE, PhotoStore, square_jpegs
from gym_live.domain.errors import Conflict, InvalidInput
from gym_live.domain.events import EventKind
from gym_live.domain.photos import MAX_UPLOAD_BYTES, PHOTO
from gym_live.services import member_changes
from gym_live.services.deps import Deps
from tests.helpers.builders import gym, member

GPS_IFD, ORIENTATION, MAKE = 0x8825, 0x0112, 0x010F


def image_bytes(size: tuple[int, int], kind: str = "PNG", **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind, **save)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_a_photo_becomes_a_square_jpeg_and_a_thumbnail() -> None:
    photo = square_jpegs(image_bytes((1600, 900)))
    full, thumb = opened(photo.full), opened(photo.thumbnail)
    assert (full.format, full.size) == ("JPEG", (PHOTO_SIDE, PHOTO_SIDE))
    assert thumb.size == (THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    small = opened(square_jpegs(image_bytes((300, 200), "WEBP")).full)
    assert small.size == (200, 200)  # never enlarged


def test_metadata_is_stripped_and_the_photo_stood_upright() -> None:
    exif = Image.Exif()
    exif[MAKE], exif[ORIENTATION] = "PhoneCam", 6  # taken sideways
    exif.get_ifd(GPS_IFD)[2] = (52.0, 31.0, 12.0)  # where it was taken
    tall = io.BytesIO()
    wide = Image.new("RGB", (400, 300), (0, 0, 0))
    wide.paste((255, 255, 255), (0, 0, 200, 300))  # white on the left half
    wide.save(tall, "JPEG", exif=exif)
    photo = opened(square_jpegs(tall.getvalue()).full)
    assert dict(photo.getexif()) == {} and "exif" not in photo.info
    # Turned 90° clockwise as the camera meant: the white half is now on top.
    assert photo.getpixel((150, 20))[0] > 200 and photo.getpixel((150, 280))[0] < 50


@pytest.mark.parametrize(
    ("upload", "said"),
    [
        (b"GIF89a not really", "not a photo"),
        (b"%PDF-1.7 a document", "not a photo"),
        (image_bytes((10, 10), "GIF"), "not a photo"),  # an image, not a kind we take
        (image_bytes((40, 40))[:60], "not a photo"),  # cut short
        (b"\0" * (MAX_UPLOAD_BYTES + 1), "at most 5 MB"),
    ],
)
def test_anything_else_is_refused_with_a_reason(upload: bytes, said: str) -> None:
    with pytest.raises(InvalidInput, match=said) as refused:
        square_jpegs(upload)
    assert refused.value.field == PHOTO


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    bomb = io.BytesIO()
    Image.new("1", (9000, 5000)).save(bomb, "PNG")  # 45 million pixels in a few kB
    assert len(bomb.getvalue()) < MAX_UPLOAD_BYTES
    with pytest.raises(InvalidInput, match="too many pixels"):
        square_jpegs(bomb.getvalue())


def test_the_store_reads_only_its_own_names(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path / "photos")
    name = store.save(square_jpegs(image_bytes((64, 64))))
    assert len(name) == 24
    assert store.read(name, thumbnail=True) is not None
    for other in ("../../etc/passwd", name + "x", name[:-1] + "/", ""):
        assert store.read(other, thumbnail=False) is None
    store.delete(name)
    assert store.read(name, thumbnail=False) is None and list(store.root.iterdir()) == []


@pytest.fixture
def with_photos(deps: Deps, tmp_path: Path) -> Deps:
    gym(deps)
    member(deps, "10000001", "Anna Schmidt")
    return replace(deps, settings=replace(deps.settings, photo_dir=str(tmp_path / "photos")))


def test_a_member_s_photo_is_set_replaced_and_removed(with_photos: Deps) -> None:
    deps, root = with_photos, Path(with_photos.settings.photo_dir)
    member_changes.set_photo("10000001", image_bytes((800, 800)), deps=deps)
    first = sorted(path.name for path in root.iterdir())
    assert len(first) == 2  # the photo and its thumbnail
    member_changes.set_photo("10000001", image_bytes((800, 600), "JPEG"), deps=deps)
    second = sorted(path.name for path in root.iterdir())
    assert len(second) == 2 and not set(first) & set(second)  # the old one is gone
    assert [e.kind for e in deps.bus.events[-2:]] == [EventKind.MEMBER_CHANGED] * 2
    member_changes.remove_photo("10000001", deps=deps)
    assert list(root.iterdir()) == []
    with pytest.raises(Conflict, match="no photo"):
        member_changes.remove_photo("10000001", deps=deps)


def test_a_refused_upload_stores_nothing(with_photos: Deps) -> None:
    with pytest.raises(InvalidInput):
        member_changes.set_photo("10000001", b"<svg onload=alert(1)>", deps=with_photos)
    with pytest.raises(Exception, match="No member"):
        member_changes.set_photo("99999999", image_bytes((50, 50)), deps=with_photos)
    root = Path(with_photos.settings.photo_dir)
    assert not root.exists() or list(root.iterdir()) == []
