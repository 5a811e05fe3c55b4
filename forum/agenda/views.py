"""Agenda pages: the editor, the scheduler's result, the public agenda."""
from __future__ import annotations

from flask import Blueprint

from . import permissions as _permissions  # noqa: F401  (grants before @requires)

bp = Blueprint("agenda", __name__)


@bp.record_once
def _commands(state):
    from .cli import register_commands

    register_commands(state.app)
