"""ForumApp answers Flask's ensure_sync from a function's code flags and still refuses async views."""
from __future__ import annotations

import functools

import pytest
from flask import after_this_request

from forum import create_app


@pytest.fixture
def bare_app(tmp_path):
    return create_app({"FORUM_ENV": "testing", "TESTING": True, "SECRET_KEY": "x" * 32,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}"})


def test_a_hook_made_for_one_request_still_runs(bare_app):
    @bare_app.route("/hooked")
    def hooked():
        @after_this_request
        def stamp(response):  # a new function every request
            response.headers["X-Stamped"] = "1"
            return response

        return "ok"

    client = bare_app.test_client()
    for _ in range(3):
        assert client.get("/hooked").headers["X-Stamped"] == "1"


class _Views:
    def plain(self):
        return "ok"

    async def coroutine(self):
        return "ok"


def test_async_functions_and_methods_go_to_flask(bare_app):
    async def view():
        return "ok"

    for coroutine in (view, _Views().coroutine, functools.partial(view)):
        with pytest.raises(RuntimeError, match="async"):
            bare_app.ensure_sync(coroutine)  # Flask without its async extra refuses coroutines


def test_a_plain_function_is_handed_back_as_it_is(bare_app):
    def view():
        return "ok"

    method = _Views().plain
    assert bare_app.ensure_sync(view) is view
    assert bare_app.ensure_sync(method) is method


class _CallableObject:
    def __call__(self):
        return "ok"


def test_callables_without_code_of_their_own_get_flasks_answer(bare_app):
    callable_object, partial = _CallableObject(), functools.partial(len)
    assert bare_app.ensure_sync(callable_object) is callable_object
    assert bare_app.ensure_sync(len) is len
    assert bare_app.ensure_sync(partial) is partial
