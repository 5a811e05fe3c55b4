"""The Bearer sign-in reads what deciding who may do what needs, and a view still sees all of the person."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.accounts.tokens import issue_token
from forum.extensions import db
from tests.factories import UserFactory


@pytest.mark.committed
def test_a_token_sign_in_reads_no_password_hash_and_the_view_still_sees_the_whole_person(app, committed):
    user = UserFactory(role="ha_staff", email="chan.tm@ha.example", name_en="Chan Tai Man", name_zh="陳大文")
    token = issue_token(user, "phone")
    db.session.commit()
    db.session.remove()  # the request builds its User from the sign-in's row, not from this session's
    statements = []

    def seen(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        answer = app.test_client().get("/account/my-data.json", headers={"Authorization": f"Bearer {token}"})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert answer.status_code == 200
    account = answer.json["account"]
    assert (account["email"], account["name_en"], account["name_zh"]) == ("chan.tm@ha.example", "Chan Tai Man", "陳大文")
    sign_in = next(s for s in statements if "api_token.token_hash =" in s)
    assert "password_hash" not in sign_in and "name_en" not in sign_in  # the export read them before its commit
