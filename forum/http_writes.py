"""Requests declare whether they write, before anything else runs.

By HTTP's own rules a POST, PUT, PATCH or DELETE changes things and a GET, HEAD or OPTIONS does
not, so every route declares it through the methods it answers; this hook passes that on (first
among the request hooks, so even a sign-in lookup in another hook runs in the right kind of
transaction). The database layer only listens (forum/db.py: write_transactions); commands and
other code outside requests declare it themselves with @writes.

A route may also say that its statements each stand alone (`autocommit`: the door's check-in API,
and pages marked @reads_only): they then run as their own transactions from the very start, sign-in
included (forum.db.autocommit_statements).
"""
from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from .db import autocommit_statements, declare_writes, end_declaration
from .extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class WriteInReadsOnlyPage(RuntimeError):
    """A page marked @reads_only tried to change data: a mistake in the code, not in the request."""


def reads_only(view):
    """Mark a GET page that only reads. Its statements then run without a transaction around them:
    on PostgreSQL no BEGIN and no ROLLBACK, two round trips of the page's seven or so. Each
    statement sees what had committed when it ran, as inside a READ COMMITTED transaction, so a
    page that only reads loses nothing. Flushing a change in such a page raises
    WriteInReadsOnlyPage, so the mark cannot quietly make a write commit piece by piece."""
    view.autocommit = True
    view.reads_only = True
    return view


def _declare() -> None:
    g.write_declaration = declare_writes(request.method not in SAFE_METHODS)
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "autocommit", False):
        g.reads_only = getattr(view, "reads_only", False)
        autocommit_statements(db.session)


def _end(_error=None) -> None:
    token = g.pop("write_declaration", None)
    if token is not None:
        end_declaration(token)


def _refuse_writes_in_reads_only_pages(session: Session, _context, _instances) -> None:
    if not (has_request_context() and g.get("reads_only")):
        return
    if session.new or session.deleted or any(session.is_modified(obj) for obj in session.dirty):
        raise WriteInReadsOnlyPage(f"{request.endpoint} is marked @reads_only but changes data")


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _declare)
    app.teardown_request(_end)
    if not event.contains(Session, "before_flush", _refuse_writes_in_reads_only_pages):
        event.listen(Session, "before_flush", _refuse_writes_in_reads_only_pages)
