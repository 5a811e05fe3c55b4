"""submit(): a form page's validate -> service -> commit -> redirect."""
from types import SimpleNamespace

from forum.errors import ValidationError
from forum.extensions import db
from forum.form_actions import submit


def _posted(valid: bool = True):
    return SimpleNamespace(validate_on_submit=lambda: valid, name=SimpleNamespace(errors=[]))


def test_the_answer_is_worked_out_before_the_commit(app, monkeypatch):
    # After the commit every attribute of the new record would be loaded again (one more query), and
    # another request may have changed or removed it by then.
    order = []
    monkeypatch.setattr(db.session, "commit", lambda: order.append("commit"))
    with app.test_request_context("/", method="POST"):
        answer = submit(_posted(), lambda: "made", success=lambda made: order.append("message") or f"{made}.",
                        to=lambda made: order.append("address") or f"/{made}")
    assert order == ["message", "address", "commit"]
    assert answer.status_code == 302 and answer.location == "/made"


def test_a_refusal_is_shown_next_to_its_field_and_nothing_is_committed(app, monkeypatch):
    committed = []
    monkeypatch.setattr(db.session, "commit", lambda: committed.append(1))
    form = _posted()

    def refuse():
        raise ValidationError("Already taken.", field="name")

    with app.test_request_context("/", method="POST"):
        assert submit(form, refuse, to="/never") is None
    assert form.name.errors == ["Already taken."] and committed == []
