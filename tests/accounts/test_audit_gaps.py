"""Sign-ins, downloads of personal data and each row an import changes are in the audit trail, with
who (or "command line", or the invitee), when and from which address."""
import sqlalchemy as sa

from forum.audit.models import AuditEvent
from forum.extensions import db
from tests.factories import PASSWORD, AttendeeFactory, ForumFactory, UserFactory

ADDRESS = {"REMOTE_ADDR": "192.0.2.10"}


def _events(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_sign_in_and_failed_sign_in_are_recorded(client):
    user = UserFactory(email="doctor@ha.example")
    client.post("/login", data={"email": "doctor@ha.example", "password": "wrong password"}, environ_base=ADDRESS)
    client.post("/login", data={"email": "nobody@ha.example", "password": "wrong password"}, environ_base=ADDRESS)
    client.post("/login", data={"email": "doctor@ha.example", "password": PASSWORD}, environ_base=ADDRESS)
    failed = _events("user.login_failed")
    assert [(e.object_id, e.changes["email"], e.address) for e in failed] == [
        (user.id, "doctor@ha.example", "192.0.2.10"), (None, "nobody@ha.example", "192.0.2.10")]
    [signed_in] = _events("user.login")
    assert signed_in.actor_id == user.id and signed_in.address == "192.0.2.10" and signed_in.at is not None


def test_exports_and_bulk_downloads_of_personal_data_are_recorded(client, login_as):
    organiser = login_as("organiser")
    forum = ForumFactory()
    AttendeeFactory(forum=forum)
    assert client.get(f"/forums/{forum.slug}/attendees/export.csv", environ_base=ADDRESS).status_code == 200
    assert client.get(f"/exhibitors/forums/{forum.slug}/export.xlsx?kind=exhibitors",
                      environ_base=ADDRESS).status_code == 200
    events = _events("attendee.export") + _events("exhibitor.export")
    assert [(e.actor_id, e.forum_id, e.address) for e in events] == [(organiser.id, forum.id, "192.0.2.10")] * 2
    assert events[0].changes["format"] == "csv" and events[1].changes["kind"] == "exhibitors"


def test_bulk_badges_download_is_recorded():
    from forum.attendees.badges import forum_badges_pdf
    from forum.attendees.services import register

    organiser = UserFactory(role="organiser")
    forum = ForumFactory()
    register(AttendeeFactory(forum=forum), {}, actor=None)
    forum_badges_pdf(organiser, forum)
    [event] = _events("attendee.badges_download")
    assert event.actor_id == organiser.id and event.forum_id == forum.id


def test_each_row_an_import_changes_is_recorded():
    from forum.attendees.importer import apply_import, plan_import

    organiser = UserFactory(role="organiser")
    forum = ForumFactory()
    AttendeeFactory(forum=forum, email="chan.tm@ha.example.org.hk", email_key="chan.tm@ha.example.org.hk",
                    title="Manager")
    sheet = ("Name (English),Email,Rank/Title,Hospital\n"
             "CHAN Tai Man,chan.tm@ha.example.org.hk,Chief Manager,Queen Mary Hospital\n"
             "WONG Ka Yan,wong.ky@ha.example.org.hk,Consultant,Queen Mary Hospital\n").encode()
    apply_import(organiser, forum, plan_import(organiser, forum, sheet, "list.csv"))
    [updated] = _events("attendee.import_update")
    assert updated.changes["title"] == ["Manager", "Chief Manager"] and updated.actor_id == organiser.id
    [created] = _events("attendee.import_create")
    assert created.object_id is not None and created.changes["name_en"] == "WONG Ka Yan"


def test_command_line_and_invitee_actions_are_named_so(app, client, runner, login_as):
    from forum.attendees.invitations import new_link_token

    runner.invoke(args=["users", "create", "cli.made@ha.example", "--role", "ha_staff"],
                  input="a long password\na long password\n")
    [made] = _events("user.create")
    assert made.actor_id is None and made.actor_label == "command line"
    forum = ForumFactory()
    attendee = AttendeeFactory(forum=forum, name_en="Dr Invitee")
    token = new_link_token(attendee)
    db.session.flush()
    client.post(f"/rsvp/{token}", data={"answer": "decline"}, environ_base=ADDRESS)
    [declined] = _events("attendee.declined")
    assert declined.actor_label == "invitee: Dr Invitee" and declined.address == "192.0.2.10"
    login_as("organiser")
    page = client.get("/audit/").get_data(as_text=True)
    assert "command line" in page and "the invitee, Dr Invitee" in page and "192.0.2.10" in page
