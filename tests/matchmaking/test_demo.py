"""The demo forum's bookmarks and leads follow people's departments and themes; loading twice adds nothing."""
import sqlalchemy as sa

from forum.attendees.models import Attendee
from forum.demo import load_demo
from forum.exhibitors.models import Theme, solution_theme
from forum.extensions import db
from forum.matchmaking.models import Bookmark, Lead
from forum.matchmaking.recommendations import for_person


def test_demo_bookmarks_follow_themes_and_the_demo_user_gets_reasons(app):
    summary = load_demo(echo=lambda *_: None)
    forum = summary.forum
    marks = db.session.scalars(sa.select(Bookmark).where(Bookmark.forum_id == forum.id)).all()
    assert len(marks) > 100 and len(db.session.scalars(sa.select(Lead)).all()) > 0
    person = {a.user_id: a for a in db.session.scalars(sa.select(Attendee).where(
        Attendee.forum_id == forum.id, Attendee.user_id.in_({b.user_id for b in marks})))}
    solution_keys = {}
    for solution_id, key in db.session.execute(sa.select(solution_theme.c.solution_id, Theme.key).join(
            Theme, Theme.id == solution_theme.c.theme_id)):
        solution_keys.setdefault(solution_id, set()).add(key)
    sharing = sum(1 for b in marks if set(person[b.user_id].themes) & solution_keys.get(b.solution_id, set()))
    assert sharing / len(marks) > 0.6  # most bookmarks share a theme with the person
    again = load_demo(echo=lambda *_: None)
    assert again.counts["bookmarks"] == 0 and again.counts["leads"] == 0
    me = next(a for a in person.values() if a.email == "ha.staff@forum.example")
    found = for_person(me.user, forum)
    assert found and any("colleague" in s or "shares your" in s for r in found for s in r.sentences)
