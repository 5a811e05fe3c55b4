"""Running a service from an HTML view: the posted form, the service call, the commit and the answer.

`submit()` is the one sequence every form page follows: validate the form, call the service, and
either commit, flash and redirect, or roll back and show the page again with the refusal next to
its field and everything the person typed still in the form. `commit_or_flash()` is the same for
buttons that post no form to redisplay.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import flash, redirect

from .errors import DomainError
from .extensions import db


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


def submit(form, action: Callable[[], Any], *, success: str | Callable[[Any], str] | None = None,
           to: str | Callable[[Any], str], category: str = "success",
           after: Callable[[Any], None] | None = None):
    """Validate `form`; run `action()`; commit, flash `success` and redirect `to`.

    Answers the redirect, or None when the page is to be shown again: the form was not posted, it
    failed its own checks, or the service refused (then the session is rolled back and the refusal
    sits next to its field). `success` and `to` may be functions of what `action()` returned (the
    new record's page, a message naming it); `after(result)` runs just before the one commit, for what
    belongs to the browser's session (signing in, the kiosk's session) and what follows from it.
    """
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return None
    if after is not None:
        after(result)
    # Worked out before the commit, from what the service flushed: afterwards each attribute read
    # would load the row again, and another request may have changed or removed it by then.
    message = success(result) if callable(success) else success
    target = to(result) if callable(to) else to
    db.session.commit()
    if message:
        flash(message, category)
    return redirect(target)


def commit_or_flash(action, success: str | None = None) -> bool:
    """Run one service call from a view: commit and flash `success`, or roll back and flash the refusal.

    For actions posted from buttons (no form to redisplay); form pages use submit().
    """
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
