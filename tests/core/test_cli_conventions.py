"""One CLI convention: every group registered in forum/cli.py, forums named by the FORUM type, and
commands that change data declaring it (no command fakes a request)."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from forum.db import ENGINE_DEFAULTS, begin_transactions, configure_sqlite, write_transactions
from tests.factories import ForumFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("ref", ["no-such-forum", "²", "999999999999999999999999999999", "0", "9999999"])
@pytest.mark.parametrize("command", [["checkin", "stats"], ["attendees", "export"], ["agenda", "schedule"],
                                     ["matchmaking", "recommend"]])
def test_a_bad_forum_reference_is_a_clear_error_not_a_traceback(runner, command, ref):
    result = runner.invoke(args=[*command, ref])
    assert result.exit_code == 2, result.output
    assert "no forum" in result.output and "flask forum list" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_forum_is_named_by_id_or_slug(runner):
    forum = ForumFactory()
    by_slug = runner.invoke(args=["checkin", "stats", forum.slug.upper()])
    by_id = runner.invoke(args=["checkin", "stats", str(forum.id)])
    assert by_slug.exit_code == 0 and by_id.exit_code == 0, by_slug.output + by_id.output
    assert json.loads(by_slug.output) == json.loads(by_id.output)


def test_every_command_group_is_registered_in_one_place():
    """Feature packages define their groups; only forum/cli.py adds them to the app."""
    offenders = []
    for path in (ROOT / "forum").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "cli.py" or path.parent.name != "forum":
            for needle in ("cli.add_command", "bp.cli", ".cli.command", "record_once", "test_request_context"):
                if needle in text:
                    offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []


def test_commands_naming_a_forum_use_the_forum_type():
    for path in (ROOT / "forum").rglob("cli.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "argument"
                    and node.args and getattr(node.args[0], "value", None) == "forum"):
                types = [k.value for k in node.keywords if k.arg == "type"]
                assert [getattr(t, "id", None) for t in types] == ["FORUM"], path


def _begins(tmp_path, declared: bool | None) -> list[str]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'begin.db'}", **ENGINE_DEFAULTS)
    configure_sqlite(engine)
    begin_transactions(engine)
    seen = []
    # What SQLite itself is asked to run: the BEGIN goes to the driver, past SQLAlchemy's cursor events.
    sa.event.listen(engine, "connect", lambda dbapi_connection, _record: dbapi_connection.set_trace_callback(
        lambda statement: seen.append(statement) if statement.startswith("BEGIN") else None))
    if declared is None:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    else:
        with write_transactions(declared), engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    engine.dispose()
    return seen


def test_declared_writes_take_the_sqlite_write_lock_up_front(tmp_path):
    assert _begins(tmp_path, True) == ["BEGIN IMMEDIATE"]
    assert _begins(tmp_path, False) == ["BEGIN"]
    assert _begins(tmp_path, None) == ["BEGIN"]  # undeclared code reads


@pytest.mark.parametrize("method, writing", [("GET", False), ("HEAD", False), ("POST", True), ("DELETE", True)])
def test_a_request_declares_writes_by_its_method_and_ends_the_declaration(app, method, writing):
    from forum.db import _writing

    with app.test_request_context("/", method=method):
        app.preprocess_request()
        assert _writing.get() is writing
        app.do_teardown_request()
    assert _writing.get() is False
