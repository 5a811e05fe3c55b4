"""Where a view may send the browser next: only paths on this site (no open redirects)."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import request


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
