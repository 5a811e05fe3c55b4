"""Parameter types every `flask ...` command shares."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import ScriptInfo

from .refs import parse_forum_ref


class ForumType(click.ParamType):
    """FORUM: a forum's numeric id or its slug, resolved to the forum (a clear error when there is none)."""

    name = "forum"

    def convert(self, value, param, ctx):
        from .errors import NotFound
        from .forums.models import Forum
        from .forums.services import get_forum

        if isinstance(value, Forum):
            return value
        if not current_app and ctx is not None:  # types are converted before the command's app context
            ctx.with_resource(ctx.ensure_object(ScriptInfo).load_app().app_context())
        ref = parse_forum_ref(value)  # the one parser views and the API use too (forum/refs.py)
        if ref is None:
            self.fail(f"no forum {value!r} (give its id or slug; see `flask forum list`)", param, ctx)
        try:
            return get_forum(str(ref))
        except NotFound:
            self.fail(f"no forum {value!r} (give its id or slug; see `flask forum list`)", param, ctx)


FORUM = ForumType()
