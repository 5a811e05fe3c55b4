"""Printable documents: the booth poster and the forum's exhibitor catalogue (WeasyPrint)."""
from __future__ import annotations

import base64

from ..mail import external_url
from ..pdf import render_pdf
from ..qr import qr_svg
from . import uploads
from .directory import approved_with_solutions
from .models import Application


def booth_url(application: Application) -> str:
    """What the poster's QR code holds: the booth page's address, nothing about any person."""
    return external_url("exhibitors.booth", forum=application.forum.slug, code=application.booth_code)


def _data_uri(stored) -> str | None:
    if stored is None:
        return None
    try:
        data = uploads.read(stored)
    except OSError:
        return None
    return f"data:{stored.content_type};base64," + base64.b64encode(data).decode()


def booth_poster(application: Application) -> bytes:
    url = booth_url(application)
    return render_pdf("exhibitors/poster_pdf.html", application=application, company=application.company,
                      forum=application.forum, qr=qr_svg(url), url=url, logo=_data_uri(application.company.logo))


def catalogue(forum, progress=None) -> bytes:
    rows = approved_with_solutions(forum)
    logos = {a.company_id: _data_uri(a.company.logo) for a in rows}
    return render_pdf("exhibitors/catalogue_pdf.html", progress=progress, forum=forum, rows=rows, logos=logos)
