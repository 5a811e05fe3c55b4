"""The demo forum's attendees: 200+ HA executives over every cluster, tickets for the registered, idempotent."""
import sqlalchemy as sa

from forum.attendees.models import Attendee, AttendeeKind, AttendeeStatus, Ticket
from forum.demo import load_demo
from forum.extensions import db
from forum.sites.models import Cluster, Site


def test_demo_attendees(app):
    summary = load_demo(echo=lambda *_: None)
    forum = summary.forum
    people = db.session.scalars(sa.select(Attendee).where(Attendee.forum_id == forum.id)).all()
    ha = [a for a in people if a.kind == AttendeeKind.ha]
    assert len(ha) > 200
    clusters = set(db.session.scalars(sa.select(Cluster.code).join(Site).where(
        Site.id.in_({a.site_id for a in ha}))))
    assert clusters == {"HKE", "HKW", "KC", "KE", "KW", "NTE", "NTW"}
    statuses = {s: sum(1 for a in ha if a.status == s) for s in AttendeeStatus}
    assert statuses[AttendeeStatus.registered] > len(ha) / 2
    assert statuses[AttendeeStatus.declined] > 0 and statuses[AttendeeStatus.invited] > 0
    registered = [a for a in people if a.status == AttendeeStatus.registered]
    assert all(a.themes for a in registered if a.kind == AttendeeKind.ha)
    live = set(db.session.scalars(sa.select(Ticket.attendee_id).where(Ticket.forum_id == forum.id,
                                                                      Ticket.revoked_at.is_(None))))
    assert {a.id for a in registered} <= live
    me = next(a for a in people if a.email == "ha.staff@forum.example")
    assert me.user is not None and me.user.role == "ha_staff" and me.status == AttendeeStatus.registered
    assert any(a.kind == AttendeeKind.exhibitor and a.company_id for a in people)
    assert all(a.name_zh and a.name_en for a in ha)

    count = len(people)
    tickets = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    load_demo(echo=lambda *_: None)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendee)) == count
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == tickets


def test_demo_scales(app):
    # How fast it scales is a benchmark's question (benchmarks/attendees.py), not a test's.
    summary = load_demo(attendees=3000, echo=lambda *_: None)
    n = db.session.scalar(sa.select(sa.func.count()).select_from(Attendee).where(
        Attendee.forum_id == summary.forum.id, Attendee.kind == AttendeeKind.ha))
    assert n == 3001  # and the demo sign-in's own record
