"""Parameter types every `flask ...` command shares."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import ScriptInfo

# The largest id the databases' integer keys can hold (PostgreSQL's integer; SQLite's is wider).
MAX_ID = 2**31 - 1


def forum_id_or_slug(ref: str) -> tuple[int | None, str]:
    """(id, slug) for a forum reference: an id only for plain ASCII digits within the key's range."""
    ref = ref.strip()
    if ref.isascii() and ref.isdigit():
        number = int(ref)
        return (number if 0 < number <= MAX_ID else None), ref
    return None, ref.lower()


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
        number, slug = forum_id_or_slug(str(value))
        if number is None and slug.isdigit() or not slug.isprintable() or not slug:
            self.fail(f"no forum {value!r} (give its id or slug; see `flask forum list`)", param, ctx)
        try:
            return get_forum(str(number) if number is not None else slug)
        except NotFound:
            self.fail(f"no forum {value!r} (give its id or slug; see `flask forum list`)", param, ctx)


FORUM = ForumType()
