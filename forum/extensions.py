"""Extensions are created unbound here and bound to an app in create_app()."""
from flask import current_app, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, user_accessed
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .db import ENGINE_DEFAULTS
from .keys import ScriptSession

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ForumLoginManager(LoginManager):
    """Flask-Login's, with two shortcuts to the answers it would give, for the door's many scans.

    Session protection is checked only where the session holds something: Flask-Login hashes the
    client's address and browser name on every request, and an empty session (a scanner's, a
    visitor's not signed in) always passes. And a script's request (a Bearer token and no cookie,
    which opens a keys.ScriptSession) goes straight to the request loader, where Flask-Login ends
    for it after parsing cookies and reading the session; the same signals are sent."""

    def _session_protection_failed(self):
        if not session:
            return False
        return super()._session_protection_failed()

    def _load_user(self):
        if isinstance(session._get_current_object(), ScriptSession):
            user_accessed.send(current_app._get_current_object())
            return self._update_request_context_with_user(self._load_user_from_request(request))
        return super()._load_user()


db = SQLAlchemy(model_class=Base, engine_options=ENGINE_DEFAULTS)
migrate = Migrate()
login_manager = ForumLoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
