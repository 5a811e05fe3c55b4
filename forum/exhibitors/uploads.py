"""Uploaded logos, images and brochures: checked by content, re-encoded, stored under generated names.

Nothing is written to disk or the database until the content has passed every check.
"""
from __future__ import annotations

import io
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..errors import ValidationError
from ..extensions import db
from .models import StoredFile

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_IMAGE_SIDE = 2400
# Far below Pillow's default (about 89 million): a logo or photo needs no more, and a small
# compressed file cannot make a worker decode hundreds of megabytes of pixels.
MAX_IMAGE_PIXELS = 25_000_000
IMAGE_FORMATS = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "WEBP": ("image/webp", "webp")}


def upload_folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def checked_image(data: bytes, field: str = "logo") -> tuple[bytes, str, str]:
    """(re-encoded bytes, content type, extension) of a PNG/JPEG/WebP image, or a ValidationError."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ValidationError(_l("The file is empty."), field=field)
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(_l("Images may be at most 5 MB."), field=field)
    allowed = tuple(IMAGE_FORMATS)  # Pillow tries only these decoders, never the dozens of others it knows
    try:
        with Image.open(io.BytesIO(data), formats=allowed) as probe:
            kind = probe.format
            width, height = probe.size  # read from the header: nothing is decoded yet
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(_l("The image is too large: at most %(n)d million pixels.",
                                         n=MAX_IMAGE_PIXELS // 1_000_000), field=field)
            probe.verify()
        image = Image.open(io.BytesIO(data), formats=allowed)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_l("This file is not a PNG, JPEG or WebP image."), field=field)
    if kind not in IMAGE_FORMATS:
        raise ValidationError(_l("This file is not a PNG, JPEG or WebP image."), field=field)
    # Re-encoding drops metadata (EXIF, GPS) and anything hidden after the image data.
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if kind != "JPEG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, format=kind, **({"quality": 88} if kind in ("JPEG", "WEBP") else {}))
    content_type, ext = IMAGE_FORMATS[kind]
    return out.getvalue(), content_type, ext


def checked_pdf(data: bytes, field: str = "brochure") -> bytes:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data:
        raise ValidationError(_l("The file is empty."), field=field)
    if len(data) > MAX_PDF_BYTES:
        raise ValidationError(_l("PDF files may be at most 20 MB."), field=field)
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise ValidationError(_l("This file is not a PDF."), field=field)
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) < 1:
            raise ValueError("no pages")
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        raise ValidationError(_l("This PDF cannot be read."), field=field)
    return data


def store(company_id: int | None, data: bytes, *, kind: str, original_name: str = "", actor=None,
          field: str = "file") -> StoredFile:
    """Check, then write the file under a generated name and record it."""
    if kind == "image":
        data, content_type, ext = checked_image(data, field)
    elif kind == "pdf":
        data, content_type, ext = checked_pdf(data, field), "application/pdf", "pdf"
    else:
        raise ValueError(kind)
    name = f"{secrets.token_hex(16)}.{ext}"
    (upload_folder() / name).write_bytes(data)
    row = StoredFile(company_id=company_id, kind=kind, content_type=content_type,
                     original_name=Path(original_name or "").name[:200], stored_name=name, size=len(data),
                     uploaded_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def path_of(row: StoredFile) -> Path:
    return upload_folder() / row.stored_name


def read(row: StoredFile) -> bytes:
    return path_of(row).read_bytes()


def download_name(row: StoredFile) -> str:
    ext = row.stored_name.rsplit(".", 1)[-1]
    stem = Path(row.original_name).stem if row.original_name else f"file-{row.id}"
    safe = "".join(c for c in stem if c.isalnum() or c in "-_ ").strip() or f"file-{row.id}"
    return f"{safe[:80]}.{ext}"
