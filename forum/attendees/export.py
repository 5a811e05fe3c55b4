"""Exports of a forum's attendees (CSV with a BOM for Excel, or XLSX), one row per person.

`ticket_code` holds the exact text of the person's live QR code, as scanners read it.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from .. import tabular
from ..errors import ValidationError
from ..extensions import db
from ..audit.services import record
from ..db import HK
from ..exhibitors.models import Theme
from ..permissions import ensure
from ..sites.models import Site
from .models import Attendee
from .people import AttendeeFilter, filtered_query
from .ticket_mail import current_codes

EXPORT_COLUMNS = ("id", "kind", "status", "name_en", "name_zh", "email", "title", "department", "organisation",
                  "site_en", "site_zh", "cluster", "themes", "access_needs", "dietary_needs", "share_contact",
                  "invited_at", "responded_at", "ticket_code")


def export_rows(actor, forum, f: AttendeeFilter | None = None):
    """The header, then one list per attendee; `ticket_code` is the exact text in their QR code."""
    ensure(actor, "attendee.manage")
    codes = current_codes(forum)
    sites = {s.id: s for s in db.session.scalars(sa.select(Site))}
    # Themes by the names organisers gave them (English · Chinese), not their keys.
    themes = {t.key: f"{t.name_en} · {t.name_zh}" if t.name_zh else t.name_en
              for t in db.session.scalars(sa.select(Theme))}
    yield list(EXPORT_COLUMNS)
    stmt = filtered_query(forum, f or AttendeeFilter()).options(selectinload(Attendee.theme_links)).order_by(Attendee.id)
    for a in db.session.scalars(stmt).yield_per(1000):
        site = sites.get(a.site_id)
        yield [a.id, a.kind.value, a.status.value, a.name_en, a.name_zh, a.email, a.title, a.department,
               a.organisation, site.name_en if site else "", site.name_zh if site else "",
               site.cluster.code if site and site.cluster else "", "; ".join(themes.get(k, k) for k in a.themes or []), a.access_needs,
               a.dietary_needs, "yes" if a.share_contact else "no",
               _hk(a.invited_at), _hk(a.responded_at), codes.get(a.id, "")]


def _hk(value) -> str:
    """Hong Kong time, as organisers read it ("2026-12-08 09:30"), not UTC."""
    return value.astimezone(HK).strftime("%Y-%m-%d %H:%M") if value else ""


def export_file(actor, forum, fmt: str, f: AttendeeFilter | None = None) -> bytes:
    """CSV (with a BOM for Excel) or XLSX, written by forum/tabular.py with its formula guard."""
    ensure(actor, "attendee.manage")
    if fmt not in ("csv", "xlsx"):
        raise ValidationError(_l("Export as csv or xlsx."))
    # Personal data leaving the app: who took it, when and from where (the caller commits).
    record(actor, "attendee.export", forum, forum_id=forum.id,
           changes={"format": fmt, "filter": {k: v for k, v in vars(f or AttendeeFilter()).items() if v}})
    rows = export_rows(actor, forum, f)
    return tabular.xlsx_bytes(rows, "attendees") if fmt == "xlsx" else tabular.csv_bytes(rows)
