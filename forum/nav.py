"""The main menu. Each feature adds its entries; the base layout shows those the user may open."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import url_for
from flask_login import current_user

from .permissions import REQUIRED, can


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: object  # a lazy string, translated when shown
    permission: str
    order: int = 50
    when: object = None  # optional check on the user: a link that would only lead to "not found" is hidden


_LINKS: list[NavLink] = []


def nav_link(endpoint: str, label, permission: str, order: int = 50, when=None) -> None:
    # Checked at start-up with the views' actions (permissions.check_required): a misspelt name
    # would otherwise hide the entry from everyone, silently.
    REQUIRED.setdefault(permission, f"the menu entry {endpoint}")
    if not any(link.endpoint == endpoint for link in _LINKS):
        _LINKS.append(NavLink(endpoint, label, permission, order, when))


@functools.lru_cache(maxsize=256)
def _address(endpoint: str, script_root: str) -> str:
    # A menu entry's address has no arguments: the same for every request under one script root.
    return url_for(endpoint)


def _href(endpoint: str) -> str:
    from flask import request

    return _address(endpoint, request.script_root)


def visible_links() -> list[tuple[str, str]]:
    user = current_user._get_current_object()  # one proxy lookup a page, not several for each entry
    return [(_href(link.endpoint), str(link.label))
            for link in sorted(_LINKS, key=lambda l: l.order)
            if can(user, link.permission) and (link.when is None or link.when(user))]


def current_href() -> str | None:
    """The menu entry for the page shown: the one of the page's own feature (blueprint) whose address
    is the longest prefix of the path, else that feature's only entry; else the longest prefix."""
    from flask import request

    links = [(link, _href(link.endpoint)) for link in _LINKS]
    blueprint = request.blueprint or ""
    path = request.path

    def longest(candidates):
        prefixed = [(link, href) for link, href in candidates if path.startswith(href)]
        return max(prefixed, key=lambda pair: len(pair[1]))[1] if prefixed else None

    own = [(link, href) for link, href in links if link.endpoint.split(".")[0] == blueprint]
    endpoint = (request.endpoint or "").split(".")[-1]
    if own:
        by_name = [href for link, href in own if endpoint.split("_")[0] in link.endpoint.split(".")[-1].split("_")]
        return longest(own) or (by_name[0] if len(by_name) == 1 else None) or (own[0][1] if len(own) == 1 else None)
    return longest(links)
