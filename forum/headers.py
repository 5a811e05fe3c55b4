"""Browser-side protections on every answer: CSP, framing, sniffing, referrer, HSTS and caching.

Pages load scripts and styles from this site only: no inline script, no inline event handler,
no inline style (templates pass data to static JS through data- attributes or a
<script type="application/json"> block). Pages holding a ticket, an invitation link or a
password-reset link are never kept in a browser or proxy cache.
"""
from __future__ import annotations

from flask import Flask, request

PAGE_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",  # the scanner's camera
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# A PDF is shown by the browser's own viewer, which a page policy (object-src 'none') would block.
PDF_POLICY = "frame-ancestors 'none'"
# JSON, CSV, images: nothing in them may load or run anything.
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"
FIXED = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),  # for browsers without CSP frame-ancestors
    ("Referrer-Policy", "same-origin"),
)

# Ticket, invitation and reset pages, and files of personal data.
NO_STORE = {
    "attendees.respond", "attendees.token_ticket", "attendees.my_ticket", "attendees.my_invitation",
    "attendees.badge", "attendees.forum_badges", "attendees.export", "exhibitors.export",
    "accounts.reset_password", "accounts.accept_invitation", "accounts.forgot_password", "accounts.create_token",
}


def init_app(app: Flask) -> None:
    app.after_request(secure_headers)


def secure_headers(response):
    headers = response.headers
    mimetype = response.mimetype
    if mimetype == "text/html":
        policy = PAGE_POLICY
    elif mimetype == "application/pdf":
        policy = PDF_POLICY
    else:
        policy = OTHER_POLICY
    # One look at what the answer already set (a view may choose its own policy), then the rest
    # added: setdefault would scan the headers once per header.
    present = {name.lower() for name in headers.keys()}
    for name, value in (("Content-Security-Policy", policy), *FIXED):
        if name.lower() not in present:
            headers.add(name, value)
    if request.is_secure and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", HSTS)
    # Named pages, and every downloaded file (exports, badges, leads, reports hold personal data).
    if request.endpoint in NO_STORE or ("content-disposition" in present
                                        and headers.get("Content-Disposition", "").startswith("attachment")):
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response
