"""Small helpers shared by the HTML views of every feature."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import flash, request

from .errors import DomainError


def show_domain_error(form, error: DomainError) -> None:
    """Put a service's refusal next to the field it concerns, or at the top of the form."""
    placed = False
    for name, message in (error.fields or {}).items():
        field = getattr(form, name, None) if form is not None else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + [message]
            placed = True
    if not placed:
        flash(error.message, "error")


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are followed after sign-in (no open redirects)."""
    if not target:
        return default
    target = target.strip()
    if target.startswith("//") or "\\" in target:
        return default
    joined = urlsplit(urljoin(request.host_url, target))
    host = urlsplit(request.host_url)
    if joined.scheme not in ("http", "https") or joined.netloc != host.netloc or not target.startswith("/"):
        return default
    return target


def commit_or_flash(action, success: str | None = None) -> bool:
    """Run one service call from a view: commit and flash `success`, or roll back and flash the refusal.

    For actions posted from buttons (no form to redisplay); forms use show_domain_error instead.
    """
    from .extensions import db

    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    if success:
        flash(success, "success")
    return True
