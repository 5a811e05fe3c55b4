"""Printable badges (WeasyPrint): A6, one a page, or four A6 badges on an A4 sheet.

Large forums are rendered in chunks and the chunk PDFs joined with pypdf, so the layout engine
never holds more than one chunk: 10,000 badges take about as much memory as a few hundred.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable, Iterable

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..errors import ValidationError
from ..extensions import db
from ..pdf import CJK_FONT_STACK, html_to_pdf
from ..audit.services import record
from ..permissions import ensure
from ..qr import qr_data_uri
from . import permissions  # noqa: F401  (grants)
from .models import Attendee, AttendeeKind, AttendeeStatus, Ticket
from .tickets import code_for, current_ticket

LAYOUTS = ("a6", "a4")
CHUNK = 200
KIND_COLOURS = {
    AttendeeKind.ha: "#0a6b5d", AttendeeKind.exhibitor: "#d94f2b", AttendeeKind.organiser: "#5b3e96",
    AttendeeKind.speaker: "#b5121b", AttendeeKind.guest: "#5b6773",
}
KIND_LABELS = {  # the badge says both, whatever the reader's language
    AttendeeKind.ha: ("Hospital Authority", "醫院管理局"), AttendeeKind.exhibitor: ("Exhibitor", "參展商"),
    AttendeeKind.organiser: ("Organiser", "主辦單位"), AttendeeKind.speaker: ("Speaker", "講者"),
    AttendeeKind.guest: ("Guest", "嘉賓"),
}


@dataclass
class Badge:
    name_en: str
    name_zh: str
    title: str
    organisation_en: str
    organisation_zh: str
    kind_en: str
    kind_zh: str
    colour: str
    code: str
    qr: str  # PNG data URI


_UNSET = object()


def badge_for(attendee: Attendee, code: str, site=_UNSET, company=_UNSET) -> Badge:
    """What one badge shows; site and company may be passed in when already loaded."""
    site = attendee.site if site is _UNSET else site
    company = attendee.company if company is _UNSET else company
    if company is not None:
        org_en, org_zh = company.name_en, company.name_zh
    elif site is not None:
        org_en, org_zh = site.name_en, site.name_zh
    else:
        org_en, org_zh = attendee.organisation, ""
    kind_en, kind_zh = KIND_LABELS[attendee.kind]
    # A small PNG printed with crisp edges: renders about twice as fast as the SVG path, scans the same.
    qr = qr_data_uri(code, box_size=4, border=2)
    return Badge(attendee.name_en, attendee.name_zh, attendee.title, org_en, org_zh if org_zh != org_en else "",
                 kind_en, kind_zh, KIND_COLOURS[attendee.kind], code, qr)


def render_badges_pdf(forum, badges: list[Badge], layout: str = "a6") -> bytes:
    if layout not in LAYOUTS:
        raise ValidationError(_l("Layout must be a6 or a4."))
    with force_locale("en"):
        html = render_template("attendees/badges.html", forum=forum, badges=badges, layout=layout,
                               cjk_font_stack=CJK_FONT_STACK)
    return html_to_pdf(html)


def one_badge(actor, attendee: Attendee, layout: str = "a6") -> bytes:
    ensure(actor, "attendee.badge", attendee)
    ticket = current_ticket(attendee)
    if ticket is None or attendee.status != AttendeeStatus.registered:
        raise ValidationError(_l("This person has no ticket yet: badges are for registered attendees."))
    return render_badges_pdf(attendee.forum, [badge_for(attendee, code_for(ticket))], layout)


def forum_badge_count(forum) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).join(Attendee).where(
        Ticket.forum_id == forum.id, Ticket.revoked_at.is_(None), Attendee.status == AttendeeStatus.registered))


def _forum_badges(forum) -> Iterable[Badge]:
    from ..exhibitors.models import Company
    from ..sites.models import Site

    sites = {s.id: s for s in db.session.scalars(sa.select(Site))}
    stmt = (sa.select(Attendee, Ticket).join(Ticket, Ticket.attendee_id == Attendee.id)
            .where(Ticket.forum_id == forum.id, Ticket.revoked_at.is_(None),
                   Attendee.status == AttendeeStatus.registered)
            .order_by(Attendee.kind, Attendee.name_en, Attendee.id))
    companies: dict[int, Company] = {}
    for attendee, ticket in db.session.execute(stmt).yield_per(500):
        company = None
        if attendee.company_id:
            company = companies.get(attendee.company_id) or db.session.get(Company, attendee.company_id)
            companies[attendee.company_id] = company
        yield badge_for(attendee, code_for(ticket), site=sites.get(attendee.site_id), company=company)


def forum_badges_pdf(actor, forum, out: io.BufferedIOBase | None = None, *, layout: str = "a6",
                     chunk: int = CHUNK, progress: Callable[[int], None] | None = None) -> bytes | None:
    """Every registered attendee's badge in one PDF, rendered `chunk` badges at a time.

    Writes to `out` when given (and returns None), else returns the bytes. `progress(n)` is called
    after each chunk with the number of badges just rendered.
    """
    from pypdf import PdfWriter

    ensure(actor, "attendee.manage")
    if layout not in LAYOUTS:
        raise ValidationError(_l("Layout must be a6 or a4."))
    record(actor, "attendee.badges_download", forum, forum_id=forum.id, changes={"layout": layout})
    if layout == "a4":
        chunk -= chunk % 4 or 0  # whole sheets per chunk
    writer = PdfWriter()
    batch: list[Badge] = []
    rendered = 0

    def flush():
        nonlocal batch, rendered
        if batch:
            writer.append(io.BytesIO(render_badges_pdf(forum, batch, layout)))
            rendered += len(batch)
            if progress:
                progress(len(batch))
            batch = []

    for badge in _forum_badges(forum):
        batch.append(badge)
        if len(batch) >= chunk:
            flush()
    flush()
    if rendered == 0:
        raise ValidationError(_l("No registered attendee has a ticket yet."))
    target = out or io.BytesIO()
    writer.write(target)
    writer.close()
    return None if out is not None else target.getvalue()
