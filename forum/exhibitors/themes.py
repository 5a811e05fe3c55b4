"""Smart Hospital themes: the list a forum starts with, and the organisers' edits to it afterwards."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import apply_changes, record
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..permissions import ensure
from ..text import clean, normalise
from .models import Theme

DEFAULT_THEMES = [
    ("patient_experience", "Patient experience", "病人體驗"),
    ("clinical_workflow", "Clinical workflow", "臨床工作流程"),
    ("facility_asset", "Facility and asset management", "設施及資產管理"),
    ("logistics_supply", "Logistics and supply chain", "物流及供應鏈"),
    ("infection_control", "Infection control", "感染控制"),
    ("data_ai", "Data and AI", "數據及人工智能"),
    ("resilience", "Resilience", "韌性"),
]


def list_themes(*, active_only: bool = True) -> list[Theme]:
    stmt = sa.select(Theme).order_by(Theme.position, Theme.id)
    if active_only:
        stmt = stmt.where(Theme.active.is_(True))
    return db.session.scalars(stmt).all()


def save_theme(actor, theme: Theme | None, *, name_en: str, name_zh: str, active: bool = True,
               position: int | None = None) -> Theme:
    ensure(actor, "theme.manage")
    name_en, name_zh = clean(name_en), clean(name_zh)
    if not name_en or not name_zh:
        raise ValidationError(_l("Give the theme in English and Chinese."), field="name_en")
    key = re.sub(r"[^a-z0-9]+", "_", normalise(name_en)).strip("_")[:60] or "theme"
    clash = db.session.scalar(sa.select(Theme).where(
        sa.or_(Theme.key == key, sa.func.lower(Theme.name_en) == name_en.lower(), Theme.name_zh == name_zh)))
    if clash is not None and clash is not theme:
        raise Conflict(_l("This theme is already in the list."), field="name_en")
    if theme is None:
        last = db.session.scalar(sa.select(sa.func.max(Theme.position))) or 0
        theme = Theme(key=key, position=last + 1)
        db.session.add(theme)
    changes = apply_changes(theme, {"name_en": name_en, "name_zh": name_zh, "active": bool(active),
                           **({"position": position} if position is not None else {})})
    db.session.flush()
    record(actor, "theme.save", theme, changes=changes)
    return theme
