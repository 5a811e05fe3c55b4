import sqlalchemy as sa

from forum.accounts.models import ApiToken, User
from forum.secret_tokens import hash_token
from forum.demo import DEMO_USERS
from forum.extensions import db
from forum.forums.models import Forum


def test_users_create_reads_the_password_from_stdin(runner):
    result = runner.invoke(args=["users", "create", "Grace@HKSTP.example", "--role", "partnership",
                                 "--name", "Grace Leung"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "grace@hkstp.example"))
    assert user.role == "partnership" and user.check_password("a long enough password")


def test_users_create_refuses_bad_input_with_a_message(runner):
    result = runner.invoke(args=["users", "create", "x@hkstp.example", "--role", "organiser"], input="short\n")
    assert result.exit_code != 0 and "at least 10" in result.output
    result = runner.invoke(args=["users", "create", "x@hkstp.example", "--role", "king"], input="long enough pw\n")
    assert result.exit_code != 0


def test_users_token_prints_a_working_token_once(runner, client):
    runner.invoke(args=["users", "create", "scan@hkstp.example", "--role", "scanner"], input="scanner password\n")
    result = runner.invoke(args=["users", "token", "scan@hkstp.example"])
    token = result.output.strip()
    assert token.startswith("hkf_")
    stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert token not in stored and hash_token(token) in stored
    assert client.get("/api/v1/forums", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert runner.invoke(args=["users", "token", "nobody@x.example"]).exit_code != 0


def test_demo_is_idempotent_and_has_every_role(runner):
    first = runner.invoke(args=["forum", "demo"])
    assert first.exit_code == 0, first.output
    counts = {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables
              if t.name != "audit_event"}
    second = runner.invoke(args=["forum", "demo"])
    assert second.exit_code == 0
    again = {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables
             if t.name != "audit_event"}
    assert counts == again
    roles = set(db.session.scalars(sa.select(User.role)))
    assert roles >= {role for role, *_ in DEMO_USERS}
    forum = db.session.scalar(sa.select(Forum).where(Forum.slug == "innovation-forum-2026-12"))
    assert forum.venue_en.startswith("HA Building") and forum.title_zh


def test_forum_list_prints_one_line_per_forum(runner):
    runner.invoke(args=["forum", "demo"])
    lines = runner.invoke(args=["forum", "list"]).output.strip().splitlines()
    assert len(lines) == 2
    forum_id, slug, starts, ends, title = lines[0].split("\t")
    assert slug == "innovation-forum-2026-12" and starts == "2026-12-08 09:00" and title.startswith("HKSTP x HA")


def test_demo_if_empty_leaves_an_existing_database_alone(runner):
    runner.invoke(args=["forum", "demo"])
    result = runner.invoke(args=["forum", "demo", "--if-empty"])
    assert "not loaded again" in result.output
