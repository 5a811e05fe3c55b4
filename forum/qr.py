"""QR codes as PNG (mail, screens) or SVG (PDFs: crisp at any print size)."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _make(text: str, box_size: int, border: int) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_png(text: str, *, box_size: int = 10, border: int = 4) -> bytes:
    image = _make(text, box_size, border).make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(text: str, *, border: int = 4) -> str:
    """An SVG <svg> element (no XML declaration) that scales to its box."""
    image = _make(text, 10, border).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg"):] if "<svg" in svg else svg


def qr_data_uri(text: str, *, box_size: int = 10, border: int = 4) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(qr_png(text, box_size=box_size, border=border)).decode()


def badge_qr_images(codes: tuple[str, str]) -> tuple[str, str]:
    """A badge's two QR images: the door ticket and (HA attendees) the lead code. Runs in the badge
    processes, so a print run draws its 2,000 QR codes on every core."""
    ticket, lead = codes
    return (qr_data_uri(ticket, box_size=4, border=2),
            qr_data_uri(lead, box_size=3, border=1) if lead else "")
