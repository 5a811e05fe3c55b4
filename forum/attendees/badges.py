"""Printable badges (WeasyPrint): A6, one a page, or four A6 badges on an A4 sheet.

Large forums are rendered in chunks, laid out in parallel child processes (one per core) and the chunk
PDFs joined in order with pikepdf, so no layout engine ever holds more than one chunk.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable, Iterable

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..errors import ValidationError
from ..extensions import db
from ..pdf import CJK_FONT_STACK, html_to_pdf, process_pool, render_many
from ..audit.services import record
from ..permissions import ensure
from ..qr import badge_qr_images  # small PNGs printed crisp: twice as fast to lay out as SVG
from .models import Attendee, AttendeeKind, AttendeeStatus, Ticket
from .lead_codes import ensure_lead_keys, lead_code_for
from .tickets import code_for, current_ticket

LAYOUTS = ("a6", "a4")
CHUNK = 200
PARALLEL_FROM = 100  # badges; fewer are laid out in this process
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
    qr: bytes  # PNG
    lead_code: str = ""  # HA attendees: what exhibitors scan at their booth (not the door ticket)
    lead_qr: bytes = b""
    qr_src: str = ""  # where the document names the images (_badge_document)
    lead_src: str = ""


_UNSET = object()


def badge_for(attendee: Attendee, code: str, site=_UNSET, company=_UNSET, *, draw_qr: bool = True) -> Badge:
    """What one badge shows; site and company may be passed in when already loaded. With
    draw_qr=False the QR images are left for the caller to draw (in the badge processes)."""
    site = attendee.site if site is _UNSET else site
    company = attendee.company if company is _UNSET else company
    if company is not None:
        org_en, org_zh = company.name_en, company.name_zh
    elif site is not None:
        org_en, org_zh = site.name_en, site.name_zh
    else:
        org_en, org_zh = attendee.organisation, ""
    kind_en, kind_zh = KIND_LABELS[attendee.kind]
    lead = lead_code_for(attendee) if attendee.kind == AttendeeKind.ha else ""
    qr, lead_qr = badge_qr_images((code, lead)) if draw_qr else (b"", b"")
    return Badge(attendee.name_en, attendee.name_zh, attendee.title, org_en, org_zh if org_zh != org_en else "",
                 kind_en, kind_zh, KIND_COLOURS[attendee.kind], code, qr, lead, lead_qr)


def render_badges_pdf(forum, badges: list[Badge], layout: str = "a6") -> bytes:
    if layout not in LAYOUTS:
        raise ValidationError(_l("Layout must be a6 or a4."))
    html, images = _badge_document(forum, badges, layout)
    return html_to_pdf(html, images=images)


def one_badge(actor, attendee: Attendee, layout: str = "a6") -> bytes:
    ensure(actor, "attendee.badge", attendee)
    ticket = current_ticket(attendee)
    if ticket is None or attendee.status != AttendeeStatus.registered:
        raise ValidationError(_l("This person has no ticket yet: badges are for registered attendees."))
    return render_badges_pdf(attendee.forum, [badge_for(attendee, code_for(ticket))], layout)


def forum_badge_count(forum) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).join(Attendee).where(
        Ticket.forum_id == forum.id, Ticket.revoked_at.is_(None), Attendee.status == AttendeeStatus.registered))


def _forum_badges(forum, draw_qr: bool = True) -> Iterable[Badge]:
    from ..exhibitors.models import Company
    from ..sites.models import Site

    sites = {s.id: s for s in db.session.scalars(sa.select(Site))}
    ensure_lead_keys(forum)  # in one statement, before the rows are streamed
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
        yield badge_for(attendee, code_for(ticket), site=sites.get(attendee.site_id), company=company,
                        draw_qr=draw_qr)


def _badge_document(forum, badges: list[Badge], layout: str) -> tuple[str, dict[str, bytes]]:
    """The badges' HTML and their QR images by the names it gives them (qr:N, lead:N). WeasyPrint
    fetches the images by name: parsing them out of data URIs in the HTML took a tenth of a layout."""
    images = {}
    for i, b in enumerate(badges):
        b.qr_src = f"qr:{i}"
        images[b.qr_src] = b.qr
        if b.lead_qr:
            b.lead_src = f"lead:{i}"
            images[b.lead_src] = b.lead_qr
    with force_locale("en"):
        html = render_template("attendees/badges.html", forum=forum, badges=badges, layout=layout,
                               cjk_font_stack=CJK_FONT_STACK)
    return html, images


def parallel_chunk(total: int, processes: int, chunk: int) -> int:
    """Chunks small enough that every process gets several (the last one then waits less)."""
    if processes <= 1:
        return chunk
    return max(20, min(chunk, -(-total // (processes * 3))))


def forum_badges_pdf(actor, forum, out: io.BufferedIOBase | None = None, *, layout: str = "a6",
                     chunk: int = CHUNK, progress: Callable[[int], None] | None = None,
                     processes: int | None = None) -> bytes | None:
    """Every registered attendee's badge in one PDF, rendered `chunk` badges at a time.

    The chunks are laid out in `processes` child processes at once (default: BADGE_PROCESSES, one per
    core) and joined in order with pikepdf. Writes to `out` when given (and returns None), else returns
    the bytes. `progress(n)` is called after each chunk with the number of badges just rendered.
    """
    import pikepdf

    ensure(actor, "attendee.manage")
    if layout not in LAYOUTS:
        raise ValidationError(_l("Layout must be a6 or a4."))
    record(actor, "attendee.badges_download", forum, forum_id=forum.id, changes={"layout": layout})
    # What each badge shows is read first (a few KB each), so no cursor stays open while the chunks
    # render and the caller may commit progress in between.
    all_badges = list(_forum_badges(forum, draw_qr=False))
    if not all_badges:
        raise ValidationError(_l("No registered attendee has a ticket yet."))
    if processes is None:  # starting processes costs about a second: worth it for a print run only
        processes = current_app.config.get("BADGE_PROCESSES", 1) if len(all_badges) >= PARALLEL_FROM else 1
    chunk = parallel_chunk(len(all_badges), processes, chunk)
    if layout == "a4":
        chunk = max(4, chunk - chunk % 4)  # whole sheets per chunk
    batches = [all_badges[i:i + chunk] for i in range(0, len(all_badges), chunk)]
    # qpdf (pikepdf) joins the chunks: pypdf took about a second of this process's CPU for 1,000 badges,
    # on the cores the layout processes need, against 0.2 s. Pages are copied from their chunk when the
    # whole is saved, so every chunk stays open until then.
    joined, chunk_pdfs = pikepdf.new(), []
    with process_pool(processes) as pool:
        codes = [(b.code, b.lead_code) for b in all_badges]
        images = pool.map(badge_qr_images, codes, chunksize=50) if pool else map(badge_qr_images, codes)
        for badge, (qr, lead_qr) in zip(all_badges, images):
            badge.qr, badge.lead_qr = qr, lead_qr
        documents = (_badge_document(forum, batch, layout) for batch in batches)
        for batch, pdf in zip(batches, render_many(documents, pool, processes)):
            chunk_pdfs.append(pikepdf.open(io.BytesIO(pdf)))
            joined.pages.extend(chunk_pdfs[-1].pages)
            if progress:
                progress(len(batch))
    target = out or io.BytesIO()
    joined.save(target)
    for document in (joined, *chunk_pdfs):
        document.close()
    return None if out is not None else target.getvalue()
