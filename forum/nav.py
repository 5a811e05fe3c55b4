"""The main menu. Each feature adds its entries; the base layout shows those the user may open."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user

from .permissions import can


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: object  # a lazy string, translated when shown
    permission: str
    order: int = 50


_LINKS: list[NavLink] = []


def nav_link(endpoint: str, label, permission: str, order: int = 50) -> None:
    if not any(link.endpoint == endpoint for link in _LINKS):
        _LINKS.append(NavLink(endpoint, label, permission, order))


def visible_links() -> list[tuple[str, str]]:
    return [(url_for(link.endpoint), str(link.label))
            for link in sorted(_LINKS, key=lambda l: l.order)
            if can(current_user, link.permission)]
