"""Staff named in an approved application become registered exhibitor attendees with tickets."""
import sqlalchemy as sa

from forum.attendees.models import Attendee, AttendeeKind, AttendeeStatus
from forum.attendees.tickets import current_ticket, lookup_for_scan, code_for
from forum.exhibitors import applications, review
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
    review.decide(organiser, application, "approve")
    people = _staff_attendees(forum)
    assert [(p.name_zh, p.status) for p in people] == [("賴浩賢", AttendeeStatus.registered),
                                                       ("朱敏儀", AttendeeStatus.registered)]
    assert all(p.company_id == application.company_id for p in people)
    codes = [code_for(current_ticket(p)) for p in people]
    assert [lookup_for_scan(c, forum.id)[0] for c in codes] == ["ok", "ok"]
    # Approving again changes nothing; waitlisting the company revokes the staff tickets.
    review.decide(organiser, application, "waitlist")
    assert application.status == ApplicationStatus.waitlisted
    assert [p.status for p in _staff_attendees(forum)] == [AttendeeStatus.cancelled] * 2
    assert [lookup_for_scan(c, forum.id)[0] for c in codes] == ["revoked", "revoked"]


def test_staff_taken_off_an_approved_application_lose_their_ticket():
    organiser = UserFactory(role="organiser")
    forum = ForumFactory()
    application = ApplicationFactory(forum=forum)
    application.solutions = [SolutionFactory(company=application.company)]
    application.staff = [ApplicationStaff(name_en="A", name_zh="甲", email="a@park.example", title=""),
                         ApplicationStaff(name_en="B", name_zh="乙", email="b@park.example", title="")]
    db.session.flush()
    review.decide(organiser, application, "approve")
    applications.save_application(organiser, forum, application.company, {
        "staff": [{"name_en": "A", "name_zh": "甲", "email": "a@park.example", "title": ""}]})
    assert {p.email: p.status for p in _staff_attendees(forum)} == {
        "a@park.example": AttendeeStatus.registered, "b@park.example": AttendeeStatus.cancelled}


# --- the staff list touches only the company's own exhibitor-staff rows ------------------------------

def _approved_with_staff(forum, staff_emails, company=None):
    organiser = UserFactory(role="organiser")
    application = ApplicationFactory(forum=forum, **({"company": company} if company else {}))
    application.solutions = [SolutionFactory(company=application.company)]
    application.staff = [ApplicationStaff(name_en=f"Staff {n}", name_zh="", email=e, title="")
                         for n, e in enumerate(staff_emails)]
    db.session.flush()
    review.decide(organiser, application, "approve")
    return application


def _admin_of(company):
    from forum.exhibitors.models import company_admin

    admin = UserFactory(role="exhibitor", company_id=company.id)
    db.session.execute(company_admin.insert().values(company_id=company.id, user_id=admin.id))
    return admin


def test_staff_list_cannot_take_over_an_ha_attendee():
    import pytest
    from forum.errors import ValidationError
    from forum.attendees.registration import register
    from tests.factories import AttendeeFactory

    forum = ForumFactory(booth_capacity=5)
    invitee = AttendeeFactory(forum=forum, email="chief@ha.example", email_key="chief@ha.example",
                              name_en="Real Chief", status=AttendeeStatus.invited)
    register(invitee, {}, actor=None)
    code = code_for(current_ticket(invitee))
    application = _approved_with_staff(forum, ["mine@park.example"])
    admin = _admin_of(application.company)
    with pytest.raises(ValidationError) as refused, db.session.begin_nested():
        applications.save_application(admin, forum, application.company, {"staff": [
            {"name_en": "Impostor", "name_zh": "", "email": "Chief@HA.example", "title": "Sales"}]})
    assert refused.value.field == "staff" and "chief@ha.example" in str(refused.value.message)
    db.session.refresh(invitee)
    assert (invitee.name_en, invitee.kind, invitee.company_id) == ("Real Chief", AttendeeKind.ha, None)
    assert lookup_for_scan(code, forum.id)[0] == "ok"


def test_staff_list_cannot_take_over_another_companys_staff():
    import pytest
    from forum.errors import ValidationError

    forum = ForumFactory(booth_capacity=5)
    theirs = _approved_with_staff(forum, ["theirs@other.example"])
    ours = _approved_with_staff(forum, ["ours@park.example"])
    admin = _admin_of(ours.company)
    with pytest.raises(ValidationError), db.session.begin_nested():
        applications.save_application(admin, forum, ours.company, {"staff": [
            {"name_en": "Taken", "name_zh": "", "email": "theirs@other.example", "title": ""}]})
    [person] = [a for a in _staff_attendees(forum) if a.email == "theirs@other.example"]
    assert person.company_id == theirs.company_id and person.status == AttendeeStatus.registered


def test_refused_staff_email_is_explained_on_the_form(client):
    from tests.factories import AttendeeFactory

    forum = ForumFactory(booth_capacity=5)
    AttendeeFactory(forum=forum, email="chief@ha.example", email_key="chief@ha.example")
    application = _approved_with_staff(forum, ["mine@park.example"])
    admin = _admin_of(application.company)
    with client.session_transaction() as session:
        session["_user_id"] = admin.get_id()
    response = client.post(f"/exhibitors/applications/{application.id}/edit", data={
        "solution_ids": [s.id for s in application.solutions], "needs_power": "y", "demo_solution_id": "0",
        "staff-0-name_en": "Impostor", "staff-0-email": "chief@ha.example"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "chief@ha.example" in html and "already on this forum" in html


def test_staff_sync_is_a_permission_rule_not_a_flag():
    import inspect

    import pytest
    from forum.attendees.exhibitor_staff import sync_exhibitor_staff
    from forum.errors import PermissionDenied

    assert "authorised" not in inspect.signature(sync_exhibitor_staff).parameters
    forum = ForumFactory(booth_capacity=5)
    ours = _approved_with_staff(forum, ["ours@park.example"])
    other = _approved_with_staff(forum, ["other@park.example"])
    stranger = _admin_of(other.company)
    with pytest.raises(PermissionDenied):
        sync_exhibitor_staff(forum, stranger, [], company_ids={ours.company_id})
