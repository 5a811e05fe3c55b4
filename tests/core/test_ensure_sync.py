"""ForumApp keeps Flask's ensure_sync answer per function, weakly, and still refuses async views."""
from __future__ import annotations

import gc

import pytest
from flask import after_this_request

from forum import create_app


@pytest.fixture
def bare_app(tmp_path):
    return create_app({"FORUM_ENV": "testing", "TESTING": True, "SECRET_KEY": "x" * 32,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}"})


def test_a_function_made_for_one_request_is_not_kept(bare_app):
    @bare_app.route("/hooked")
    def hooked():
        @after_this_request
        def stamp(response):  # a new function every request
            response.headers["X-Stamped"] = "1"
            return response

        return "ok"

    client = bare_app.test_client()
    assert client.get("/hooked").headers["X-Stamped"] == "1"
    gc.collect()
    kept = len(bare_app._sync_functions)
    for _ in range(20):
        assert client.get("/hooked").headers["X-Stamped"] == "1"
    gc.collect()
    assert len(bare_app._sync_functions) == kept


def test_an_async_view_gets_flasks_own_answer_every_time(bare_app):
    async def view():
        return "ok"

    for _ in range(2):  # asked twice: the second answer comes from the cache
        with pytest.raises(RuntimeError, match="async"):
            bare_app.ensure_sync(view)  # Flask without its async extra refuses coroutines


def test_a_plain_function_is_handed_back_as_it_is(bare_app):
    def view():
        return "ok"

    assert bare_app.ensure_sync(view) is view
    assert bare_app.ensure_sync(view) is view


class _Unhashable:
    __hash__ = None

    def __call__(self):
        return "ok"


def test_callables_that_cannot_be_remembered_are_asked_for_each_time(bare_app):
    unhashable = _Unhashable()
    assert bare_app.ensure_sync(unhashable) is unhashable
    assert bare_app.ensure_sync(len) is len  # a builtin: not weakly referable
