"""Domain errors, and how they become pages and JSON answers.

Services raise these; they never know about HTTP. Views and the API let them
propagate and the handlers registered here pick the right shape.
"""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str | None = None, *, field: str | None = None,
                 fields: dict[str, str] | None = None):
        self.message = str(message) if message is not None else str(self.default_message())
        self.field = field
        self.fields = dict(fields or {})
        if field and field not in self.fields:
            self.fields[field] = self.message
        super().__init__(self.message)

    def default_message(self):
        return _l("The request could not be processed.")


class ValidationError(DomainError):
    status = 400
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"

    def default_message(self):
        return _l("Not found.")


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"

    def default_message(self):
        return _l("Please sign in.")


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"

    def default_message(self):
        return _l("You do not have permission to do this.")


class Conflict(DomainError):
    status = 409
    code = "conflict"


def wants_json() -> bool:
    """The API, and JSON endpoints of the pages (the scanner's search and check-in): their callers
    send JSON or ask for it."""
    if request.path.startswith("/api/") or request.path == "/healthz" or request.is_json:
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def json_error(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        from .extensions import db

        db.session.rollback()
        if wants_json():
            return json_error(error.status, error.code, error.message, error.fields)
        template = {403: "errors/403.html", 404: "errors/404.html"}.get(error.status, "errors/error.html")
        return render_template(template, status=error.status, message=error.message), error.status

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        if wants_json():
            return json_error(400, "csrf", error.description)
        return render_template("errors/error.html", status=400,
                               message=_l("The form expired or was sent from elsewhere. Please try again.")), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        from werkzeug.exceptions import SecurityError

        if isinstance(error, SecurityError):
            # An untrusted Host: no page is built for it (its links would point at that host).
            return "Bad Request", 400, {"Content-Type": "text/plain; charset=utf-8"}
        if wants_json():
            code = (error.name or "error").lower().replace(" ", "_")
            response = json_error(error.code or 500, code, error.description or error.name)
            if error.code == 429:
                response[0].headers.extend(getattr(error, "headers", {}) or {})
            return response
        template = {403: "errors/403.html", 404: "errors/404.html"}.get(error.code, "errors/error.html")
        return render_template(template, status=error.code, message=error.description), error.code

    import sqlalchemy as sa

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    @app.errorhandler(sa.exc.DisconnectionError)
    @app.errorhandler(sa.exc.TimeoutError)
    def _database_unavailable(error: Exception):
        """The database went away (or is too busy): 503, and the next request tries again afresh
        (pool_pre_ping replaces dead connections), so the app recovers by itself when it is back."""
        from flask import g

        from .extensions import db, login_manager

        cause = getattr(error, "orig", None) or error
        app.logger.warning("database unavailable: %s", type(cause).__name__)  # no SQL, no parameters
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001  (the connection is gone: nothing to roll back)
            pass
        db.session.remove()
        # Render as an anonymous visitor: loading the signed-in user would need the database.
        g._login_user = login_manager.anonymous_user()
        message = _l("The database is not answering. Please try again in a moment.")
        if wants_json():
            response, status = json_error(503, "database_unavailable", str(message))
            response.headers["Retry-After"] = "5"
            return response, status
        return render_template("errors/503.html", status=503, message=message), 503, {"Retry-After": "5"}

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        from .extensions import db

        app.logger.exception("Unhandled error")
        db.session.rollback()
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        if wants_json():
            return json_error(500, "server_error", "Something went wrong on our side.")
        return render_template("errors/500.html", status=500), 500
