"""Printable member cards: name, number and a QR code of the member code (ID-1 size, 300 dpi);
and QR codes for a page (a kiosk's pairing address)."""

from __future__ import annotations

import base64
import io

import segno
from PIL import Image, ImageDraw, ImageFont

from gym_live.domain.members import MemberSnapshot

WIDTH, HEIGHT = 1011, 638  # 85.6 x 54 mm, the size of a bank card, at 300 dpi
GREEN, INK, GREY = (46, 160, 67), (28, 32, 36), (96, 104, 112)


def render_card(member: MemberSnapshot, gym_name: str) -> bytes:
    """The card as PNG bytes; the QR code holds exactly the member code a scanner types."""
    card = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, WIDTH, 120), fill=GREEN)
    draw.text((48, 60), gym_name, font=_font(56), fill="white", anchor="lm")
    qr = _qr(member.code, size=400)
    card.paste(qr, (WIDTH - 400 - 40, 160))
    draw.text((48, 220), _fit(member.full_name, 20), font=_font(52), fill=INK)
    draw.text((48, 320), "Member number", font=_font(28), fill=GREY)
    draw.text((48, 356), member.code, font=_font(60), fill=INK)
    if member.valid_until is not None:
        draw.text(
            (48, 470), f"Valid until {member.valid_until:%d %b %Y}", font=_font(30), fill=GREY
        )
    out = io.BytesIO()
    card.save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def png_data_uri(png: bytes) -> str:
    """A PNG (a member's card) as a data URI, for an <img> and its download link."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def qr_svg_data_uri(text: str) -> str:
    """`text` as a QR code in an SVG data URI (black on white, as scanners need), for an <img>."""
    return _make_qr(text).svg_data_uri(scale=6, border=2, dark="#000", light="#fff")


def _make_qr(text: str) -> segno.QRCode:
    return segno.make_qr(text, error="m")


def _qr(code: str, size: int) -> Image.Image:
    buffer = io.BytesIO()
    _make_qr(code).save(buffer, kind="png", scale=10, border=2)
    return (
        Image.open(io.BytesIO(buffer.getvalue()))
        .convert("RGB")
        .resize((size, size), Image.Resampling.NEAREST)
    )


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
