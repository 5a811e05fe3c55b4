"""Staff named in an approved application become registered exhibitor attendees with tickets."""
import sqlalchemy as sa

from forum.attendees.models import Attendee, AttendeeKind, AttendeeStatus
from forum.attendees.tickets import current_ticket, lookup, code_for
from forum.exhibitors import services
from forum.exhibitors.models import ApplicationStaff, ApplicationStatus
from forum.extensions import db
from tests.factories import ApplicationFactory, ForumFactory, SolutionFactory, UserFactory


def _staff_attendees(forum):
    return db.session.scalars(sa.select(Attendee).where(Attendee.forum_id == forum.id,
                                                        Attendee.kind == AttendeeKind.exhibitor)
                              .order_by(Attendee.email)).all()


def test_approval_gives_staff_tickets_and_withdrawal_revokes_them(outbox):
    organiser = UserFactory(role="organiser")
    forum = ForumFactory(booth_capacity=5)
    application = ApplicationFactory(forum=forum)
    application.staff = [ApplicationStaff(name_en="Henry Lai", name_zh="賴浩賢", email="henry@careflow.example",
                                          title="CTO"),
                         ApplicationStaff(name_en="Mandy Chu", name_zh="朱敏儀", email="mandy@careflow.example",
                                          title="Clinical Lead")]
    db.session.flush()
    services.decide(organiser, application, "approve")
    people = _staff_attendees(forum)
    assert [(p.name_zh, p.status) for p in people] == [("賴浩賢", AttendeeStatus.registered),
                                                       ("朱敏儀", AttendeeStatus.registered)]
    assert all(p.company_id == application.company_id for p in people)
    codes = [code_for(current_ticket(p)) for p in people]
    assert [lookup(c, forum.id).status for c in codes] == ["ok", "ok"]
    # Approving again changes nothing; waitlisting the company revokes the staff tickets.
    services.decide(organiser, application, "waitlist")
    assert application.status == ApplicationStatus.waitlisted
    assert [p.status for p in _staff_attendees(forum)] == [AttendeeStatus.cancelled] * 2
    assert [lookup(c, forum.id).status for c in codes] == ["revoked", "revoked"]


def test_staff_taken_off_an_approved_application_lose_their_ticket():
    organiser = UserFactory(role="organiser")
    forum = ForumFactory()
    application = ApplicationFactory(forum=forum)
    application.solutions = [SolutionFactory(company=application.company)]
    application.staff = [ApplicationStaff(name_en="A", name_zh="甲", email="a@park.example", title=""),
                         ApplicationStaff(name_en="B", name_zh="乙", email="b@park.example", title="")]
    db.session.flush()
    services.decide(organiser, application, "approve")
    services.save_application(organiser, forum, application.company, {
        "staff": [{"name_en": "A", "name_zh": "甲", "email": "a@park.example", "title": ""}]})
    assert {p.email: p.status for p in _staff_attendees(forum)} == {
        "a@park.example": AttendeeStatus.registered, "b@park.example": AttendeeStatus.cancelled}
