"""The one permission mechanism.

Every action has a name and a rule. Roles grant actions; some rules then also
look at the object (an exhibitor may edit only its own company). Views use
@requires, the API uses @requires too, services call ensure(), templates call
can(). Nothing else decides who may do what.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask_login import current_user

from .errors import PermissionDenied, Unauthorized, wants_json

# researcher: a partner of a park company or an academic, invited by data-lab staff for an organisation.
ROLES = ("admin", "organiser", "scanner", "exhibitor", "ha_staff", "partnership", "researcher")
ORGANISERS = {"admin", "organiser"}
SIGNED_IN = set(ROLES)

# action -> roles that may attempt it. Admin may do everything.
ROLE_GRANTS: dict[str, set[str]] = {
    "home.view": SIGNED_IN,
    "account.edit_own": SIGNED_IN,
    "token.manage_own": SIGNED_IN,
    "token.revoke": SIGNED_IN,  # one's own tokens; administrators anyone's (OBJECT_RULES below)
    "forum.view": SIGNED_IN,
    "forum.manage": ORGANISERS,
    "site.view": SIGNED_IN,
    "site.manage": ORGANISERS,
    "user.manage": {"admin"},
    "user.invite": ORGANISERS,
    "audit.view": ORGANISERS,
}

# action -> extra rule on (user, obj), applied after the role grant.
OBJECT_RULES: dict[str, Callable[[Any, Any], bool]] = {}


class SystemActor:
    """The app acting on its own behalf: commands run on the server and the demo loader.

    It holds the administrator's grants (whoever can run commands on the server already owns the
    database) and has no account, so the audit trail shows its label, "command line".
    """

    id = None
    role = "admin"
    is_authenticated = True
    is_active = True
    email = "cli"
    label = "command line"


def _invites_into_own_company(user, invitation) -> bool:
    """Organisers invite anyone (but only administrators invite administrators); a company admin
    invites only exhibitors, and only into their own company."""
    role, company_id = invitation
    if role == "admin":
        return user.role == "admin"
    if user.role in ORGANISERS:
        return True
    if user.role != "exhibitor" or role != "exhibitor" or company_id is None or company_id != user.company_id:
        return False
    from .exhibitors.models import company_admin
    from .extensions import db

    return db.session.execute(company_admin.select().where(
        company_admin.c.company_id == company_id, company_admin.c.user_id == user.id)).first() is not None


OBJECT_RULES["token.revoke"] = lambda user, token: token.user_id == user.id

# The object is (role, company_id) of the invitation being made.
ROLE_GRANTS["user.invite_into"] = ORGANISERS | {"exhibitor"}
OBJECT_RULES["user.invite_into"] = _invites_into_own_company

PUBLIC = "public"
# action -> the first view that requires it; check_required() holds these against the grants.
REQUIRED: dict[str, str] = {}


def grant(action: str, roles: set[str], rule: Callable[[Any, Any], bool] | None = None) -> None:
    """Declare an action; each feature's permissions.register() calls this from the feature's init_app."""
    ROLE_GRANTS[action] = set(roles)
    if rule is not None:
        OBJECT_RULES[action] = rule


def role_allows(role: str | None, action: str) -> bool:
    if action not in ROLE_GRANTS:
        raise KeyError(f"unknown permission action {action!r}")
    if role is None:
        return False
    return role == "admin" or role in ROLE_GRANTS[action]


def can(user, action: str, obj: Any = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return False
    if getattr(user, "email_verified", True) is False:  # an unconfirmed sign-up can do nothing
        return False
    if not role_allows(user.role, action):
        return False
    rule = OBJECT_RULES.get(action)
    if rule is None or obj is None or user.role == "admin":
        return True
    return bool(rule(user, obj))


def ensure(user, action: str, obj: Any = None) -> None:
    """For services: raise unless the user may do this."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthorized()
    if not can(user, action, obj):
        raise PermissionDenied()


def requires(action: str):
    """Guard a view or API function by a role-level grant.

    Anonymous visitors get 401 (API) or a redirect to the sign-in page (HTML);
    signed-in users without the grant get 403. Object-level rules are applied by
    the service or view once the object is loaded, through ensure().

    The grants exist only once the features' init_app have run, so the action is noted here and
    check_required(), run by create_app once every init_app has, refuses a name no feature granted.
    """

    def decorator(view):
        if action != PUBLIC:
            REQUIRED.setdefault(action, f"{view.__module__}.{view.__qualname__}")

        @wraps(view)
        def wrapper(*args, **kwargs):
            if action != PUBLIC:
                user = current_user._get_current_object()  # one proxy lookup, not one per read
                if not user.is_authenticated:
                    if wants_json():
                        raise Unauthorized()
                    from .extensions import login_manager

                    return login_manager.unauthorized()
                if not can(user, action):
                    raise PermissionDenied()
            return view(*args, **kwargs)

        wrapper.permission = action
        return wrapper

    return decorator


def check_required() -> None:
    """Fail at start-up, not at the first visit, when a view requires an action no feature granted
    (a misspelt name would otherwise answer 500 on that page only)."""
    unknown = sorted(f"{action!r} (required by {where})" for action, where in REQUIRED.items()
                     if action not in ROLE_GRANTS)
    if unknown:
        raise KeyError(f"unknown permission action {', '.join(unknown)}")


def public(view):
    """Mark a view as open to everyone; being explicit lets the route audit find unguarded views."""
    return requires(PUBLIC)(view)
