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


# The page for the statuses people meet most says the same thing whatever raised it.
_STANDARD_PAGES = {
    403: (_l("Not allowed"),
          _l("Your account cannot open this page. If you think it should, ask the forum organisers.")),
    404: (_l("Not found"),
          _l("There is nothing at this address. It may have moved, or the link may be mistyped.")),
    500: (_l("Something went wrong"),
          _l("Something went wrong on our side. Nothing you sent was lost by you; please try again in a moment.")),
}


def error_page(status: int, message=None):
    """The one error page: a standard title and text for 403, 404 and 500, the given message otherwise."""
    title, text = _STANDARD_PAGES.get(status, (None, message))
    return render_template("errors/error.html", status=status, title=title, message=text), status


def refuse_nul_characters() -> None:
    """A NUL in a form field or the query string is refused before any view runs: no field means
    one, and PostgreSQL cannot store it (the API's schemas refuse it per field, see forum/schemas.py)."""
    if request.path.startswith("/api/"):
        return
    values = list(request.args.values())
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += list(request.form.values())
    if any("\x00" in value for value in values):
        raise ValidationError(_l("The request holds a NUL character, which no field accepts. Please check what was pasted."))


def register_errorhandlers(app: Flask) -> None:
    app.before_request(refuse_nul_characters)

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        from .extensions import db

        db.session.rollback()
        if wants_json():
            return json_error(error.status, error.code, error.message, error.fields)
        return error_page(error.status, error.message)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        if wants_json():
            return json_error(400, "csrf", error.description)
        return error_page(400, _l("The form expired or was sent from elsewhere. Please try again."))

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
        return error_page(error.code, error.description)

    import sqlalchemy as sa

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    @app.errorhandler(sa.exc.DisconnectionError)
    @app.errorhandler(sa.exc.TimeoutError)
    def _database_unavailable(error: Exception):
        """The database went away (or is too busy): 503, and the next request tries again afresh
        (forum.db.check_connections_in_doubt replaces dead connections), so the app recovers by itself when it is back."""
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
        return error_page(500)
