"""Bookmark buttons in a list rendered once for everyone (the directory, see forum.cache).

The shared list holds each solution's button as a slot, drawn as "not bookmarked" with a
placeholder for the CSRF token; fill() gives one person's page their own: their token, the
bookmarked state of what they have bookmarked, or no buttons for people who do not bookmark.
The markers are HTML comments and the placeholder a tag, neither of which escaped text can contain.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

from flask import get_template_attribute
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

CSRF_SLOT = Markup("<bookmark-csrf>")
_SLOT = re.compile(r"<!--bookmark:(\d+)-->(.*?)<!--/bookmark-->", re.S)
_END = "<!--/bookmark-->"


def fill(listing: str, forum, marks) -> Markup:
    """`listing` with the buttons of the person whose marks (bookmark_marks) these are; None: no buttons."""
    if marks is None:
        return Markup(_SLOT.sub("", listing))
    # Only the few slots of solutions this person bookmarked change; the markers left are comments.
    button = None
    for solution_id in marks[0]:
        start = listing.find(f"<!--bookmark:{solution_id}-->")
        if start < 0:
            continue  # not on this page
        end = listing.index(_END, start) + len(_END)
        button = button or get_template_attribute("matchmaking/_buttons.html", "bookmark_solution")
        listing = listing[:start] + str(button(forum, SimpleNamespace(id=solution_id), marks)) + listing[end:]
    return Markup(listing.replace(CSRF_SLOT, generate_csrf()))
