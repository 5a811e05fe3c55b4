"""Requests declare whether they write, before anything else runs.

By HTTP's own rules a POST, PUT, PATCH or DELETE changes things and a GET, HEAD or OPTIONS does
not, so every route declares it through the methods it answers; this hook passes that on (first
among the request hooks, so even a sign-in lookup in another hook runs in the right kind of
transaction). The database layer only listens (forum/db.py: write_transactions); commands and
other code outside requests declare it themselves with @writes.
"""
from __future__ import annotations

from flask import Flask, g, request

from .db import declare_writes, end_declaration

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _declare() -> None:
    g.write_declaration = declare_writes(request.method not in SAFE_METHODS)


def _end(_error=None) -> None:
    token = g.pop("write_declaration", None)
    if token is not None:
        end_declaration(token)


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _declare)
    app.teardown_request(_end)
