"""Walk every registered route: anonymous visitors and wrong roles are refused wherever they should be."""
import re

import pytest

from forum.permissions import PUBLIC, ROLE_GRANTS, ROLES, role_allows
from tests.support.databases import make_test_app

SAMPLE_VALUES = {"int": "1", "default": "x", "path": "x"}
_ARG = re.compile(r"<(?:(?P<conv>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def _url(rule: str, forum_slug: str) -> str:
    def repl(match):
        if match.group("name") in ("ref", "forum"):
            return forum_slug
        return SAMPLE_VALUES.get(match.group("conv") or "default", "x")

    return _ARG.sub(repl, rule)


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, view


def test_every_view_declares_its_permission(app):
    missing = [r.endpoint for r, _m, view in _routes(app) if not hasattr(view, "permission")]
    assert missing == [], f"views without @requires/@public: {missing}"
    unknown = {view.permission for _r, _m, view in _routes(app)} - set(ROLE_GRANTS) - {PUBLIC}
    assert unknown == set()


def test_anonymous_is_refused_everywhere_not_public(app, client):
    from tests.factories import ForumFactory

    forum = ForumFactory()
    checked = 0
    for rule, method, view in _routes(app):
        if view.permission == PUBLIC:
            continue
        response = client.open(_url(rule.rule, forum.slug), method=method)
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, (rule.rule, method, response.status_code)
            assert response.is_json and response.json["error"]["code"] == "unauthorized"
        else:
            assert response.status_code == 302, (rule.rule, method, response.status_code)
            assert "/login" in response.headers["Location"]
        checked += 1
    assert checked > 10


@pytest.mark.parametrize("role", ROLES)
def test_wrong_role_is_refused_everywhere(app, client, login_as, role):
    from tests.factories import ForumFactory

    forum = ForumFactory()
    login_as(role)
    refused = 0
    for rule, method, view in _routes(app):
        if view.permission == PUBLIC or role_allows(role, view.permission):
            continue
        response = client.open(_url(rule.rule, forum.slug), method=method)
        assert response.status_code == 403, (role, rule.rule, method, response.status_code)
        refused += 1
    if role != "admin":
        assert refused > 0


@pytest.mark.committed
def test_every_form_post_needs_a_csrf_token(database_url, tmp_path):
    """With CSRF on (as in production), a POST without the token is refused on every HTML route."""
    app = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        from forum.extensions import db
        from tests.factories import UserFactory

        admin = UserFactory(role="admin")
        db.session.commit()
        try:
            with client.session_transaction() as session:
                session["_user_id"] = admin.get_id()
            posts = [(rule, view) for rule, method, view in _routes(app) if method == "POST"]
            assert posts
            for rule, _view in posts:
                response = client.post(_url(rule.rule, "x"), data={"anything": "1"})
                assert response.status_code == 400, (rule.rule, response.status_code)
        finally:
            db.session.delete(admin)
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
