"""Language and time zone choice, and bilingual helpers for templates."""
from __future__ import annotations

import os

from datetime import datetime

from flask import current_app, has_request_context, request, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from .text import bilingual

LOCALES = ("en", "zh_Hant_HK")


def select_locale() -> str:
    if not has_request_context():  # CLI, jobs: English unless force_locale() says otherwise
        return "en"
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    # Accept-Language: any Chinese variant gets Traditional Chinese (the HK UI language).
    best = request.accept_languages.best_match(
        ["en", "zh-Hant-HK", "zh-HK", "zh-TW", "zh-Hant", "zh", "zh-CN"], default="en")
    return "zh_Hant_HK" if best and best.lower().startswith("zh") else "en"


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def current_locale() -> str:
    locale = get_locale()
    return str(locale) if locale else "en"


def is_chinese() -> bool:
    return current_locale().startswith("zh")


def name_of(obj, field: str = "name") -> str:
    """obj.name_en / obj.name_zh in the reader's language, falling back to the other."""
    return bilingual(getattr(obj, f"{field}_en", ""), getattr(obj, f"{field}_zh", ""), current_locale())


def both_names(obj, field: str = "name") -> str:
    """Both names when both exist ("Chan Tai Man 陳大文"), else whichever exists."""
    en, zh = (getattr(obj, f"{field}_en", "") or "").strip(), (getattr(obj, f"{field}_zh", "") or "").strip()
    if en and zh and en != zh:
        return f"{en} {zh}" if not is_chinese() else f"{zh} {en}"
    return en or zh


# Named formats without Babel's long zone names ("[香港標準時間]"): every time shown is HK time.
_FORMATS = {
    "en": {"full": "EEEE d MMMM y, HH:mm", "medium": "d MMM y, HH:mm", "short": "d/M/yy HH:mm",
           "date": "d MMM y", "time": "HH:mm"},
    "zh": {"full": "y年M月d日 EEEE HH:mm", "medium": "y年M月d日 HH:mm", "short": "y年M月d日 HH:mm",
           "date": "y年M月d日", "time": "HH:mm"},
}


def hk_datetime(value: datetime | None, fmt: str = "medium") -> str:
    if not value:
        return ""
    patterns = _FORMATS["zh" if is_chinese() else "en"]
    return format_datetime(value, patterns.get(fmt, fmt))


def register_template_helpers(app) -> None:
    from .nav import current_href, visible_links
    from .permissions import can

    @app.context_processor
    def _helpers():
        return {
            "can": lambda action, obj=None: can(current_user, action, obj),
            "name_of": name_of,
            "both_names": both_names,
            "current_locale": current_locale,
            "is_chinese": is_chinese,
            "languages": app.config["LANGUAGES"],
            "nav_links": visible_links,
            "current_nav_href": current_href,
        }

    app.jinja_env.filters["hk"] = hk_datetime


def translation_dirs() -> list:
    from pathlib import Path

    base = Path(__file__).resolve().parent
    return sorted(p for p in base.glob("**/translations") if p.is_dir())


def compile_catalogs() -> int:
    """Compile every messages.po to .mo when the .mo is missing or older. Returns how many were written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = 0
    for directory in translation_dirs():
        for po in directory.glob("*/LC_MESSAGES/messages.po"):
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            with po.open("rb") as handle:
                catalog = read_po(handle)
            # Write beside it and rename: parallel test workers may compile at the same moment,
            # and none of them may read a half-written catalogue.
            partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
            with partial.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            os.replace(partial, mo)
            written += 1
    return written
