"""Checks on real artefacts: decode QR codes with zxing-cpp, read PDFs with poppler."""
from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

from PIL import Image


def decode_qr(png_or_image) -> list[str]:
    """Every QR code text zxing-cpp finds in a PNG (bytes), a path or a PIL image."""
    import zxingcpp

    if isinstance(png_or_image, (bytes, bytearray)):
        image = Image.open(io.BytesIO(png_or_image))
    elif isinstance(png_or_image, (str, Path)):
        image = Image.open(png_or_image)
    else:
        image = png_or_image
    return [r.text for r in zxingcpp.read_barcodes(image.convert("L")) if r.format == zxingcpp.BarcodeFormat.QRCode]


def pdf_text(pdf: bytes) -> str:
    """The text poppler's pdftotext extracts (layout kept)."""
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def pdf_pages_png(pdf: bytes, *, dpi: int = 150, first: int = 1, last: int | None = None) -> list[bytes]:
    """Pages rendered to PNG by poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        args = ["pdftoppm", "-png", "-r", str(dpi), "-f", str(first)]
        if last is not None:
            args += ["-l", str(last)]
        subprocess.run(args + [str(source), str(Path(folder) / "page")], check=True, capture_output=True)
        return [p.read_bytes() for p in sorted(Path(folder).glob("page*.png"))]


def pdf_page_count(pdf: bytes) -> int:
    result = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    for line in result.stdout.decode().splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise ValueError("no page count")
