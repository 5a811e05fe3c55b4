"""The low-severity items of the security review: each rule, and that it holds."""
import base64
import hashlib
import hmac

import pytest
import sqlalchemy as sa

from forum.errors import ValidationError
from forum.extensions import db
from tests.factories import (ApplicationFactory, AttendeeFactory, CompanyFactory, ForumFactory, SolutionFactory,
                             TicketFactory, UserFactory)


@pytest.fixture(autouse=True)
def _request_context(app):
    with app.test_request_context():
        yield


# --- exhibitors see neither reviewers' scores nor other companies' drafts -----------------------------

def test_exhibitors_never_see_reviewers_scores_or_comments(client):
    from forum.exhibitors import review as services
    from forum.exhibitors.models import company_admin

    application = ApplicationFactory(demo_requested=True)
    services.score_demo(UserFactory(role="organiser"), application, 2, "weak demo, do not pick")
    member = UserFactory(role="exhibitor", company_id=application.company_id)
    db.session.execute(company_admin.insert().values(company_id=application.company_id, user_id=member.id))
    with client.session_transaction() as session:
        session["_user_id"] = member.get_id()
    page = client.get(f"/exhibitors/applications/{application.id}").get_data(as_text=True)
    assert client.get(f"/exhibitors/applications/{application.id}").status_code == 200
    assert "weak demo" not in page and "demo_score" not in page


def test_draft_solutions_and_their_files_stay_private_until_part_of_an_approved_application(client):
    from forum.exhibitors.models import ApplicationStatus, StoredFile
    from forum.permissions import can

    company = CompanyFactory()
    shown, draft = SolutionFactory(company=company), SolutionFactory(company=company)
    brochure = StoredFile(company_id=company.id, kind="pdf", content_type="application/pdf", size=10,
                          original_name="secret.pdf", stored_name="secret-draft.pdf")
    db.session.add(brochure)
    db.session.flush()
    draft.brochure_id = brochure.id
    application = ApplicationFactory(company=company, status=ApplicationStatus.approved)
    application.solutions = [shown]
    db.session.flush()
    outsider = UserFactory(role="ha_staff")
    assert can(outsider, "solution.see", shown)
    assert not can(outsider, "solution.see", draft)
    assert not can(outsider, "file.see", brochure)
    assert can(UserFactory(role="exhibitor", company_id=company.id), "solution.see", draft)
    with client.session_transaction() as session:
        session["_user_id"] = outsider.get_id()
    assert client.get(f"/exhibitors/solutions/{draft.id}").status_code == 404
    assert client.get(f"/exhibitors/solutions/{shown.id}").status_code == 200
    assert client.get(f"/exhibitors/files/{brochure.id}").status_code == 404


# --- a nonce's stored answer goes back only to the scanner that sent it --------------------------------

def test_nonce_answers_are_bound_to_the_scanner_that_sent_them():
    from forum.attendees.tickets import code_for
    from forum.checkin import services

    forum = ForumFactory()
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum, name_en="Dr Private", access_needs="wheelchair"))
    door, snoop = UserFactory(role="scanner"), UserFactory(role="scanner")
    first = services.check_in(door, forum, services.Scan(code=code_for(ticket), nonce="door-0000001"))
    assert first["result"] == "ok"
    # Another scanner replaying the nonce (without the ticket) gets nothing about the person.
    answer = services.check_in(snoop, forum, services.Scan(code="HKF1" + "A" * 32, nonce="door-0000001"))
    assert answer["result"] == "invalid" and "Dr Private" not in str(answer)
    assert services.check_in(door, forum, services.Scan(code=code_for(ticket), nonce="door-0000001")) == first


# --- sent invitations can be withdrawn --------------------------------------------------------------------

def test_a_sent_invitation_can_be_revoked(client):
    from forum.accounts import services
    from forum.errors import PermissionDenied

    organiser = UserFactory(role="organiser")
    invitation = services.invite(organiser, "late.change@ha.example", "ha_staff")
    token = invitation.link.rsplit("/", 1)[1]
    with pytest.raises(PermissionDenied):
        services.revoke_invitation(UserFactory(role="ha_staff"), invitation.id)
    services.revoke_invitation(organiser, invitation.id)
    with pytest.raises(ValidationError):
        services.invitation_for_token(token)
    assert client.get(f"/invitation/{token}").status_code == 302
    # Revoked, the address is free again for a new invitation or a sign-up.
    assert not services.address_taken("late.change@ha.example")


def test_organisers_revoke_invitations_from_the_invite_page(client):
    from forum.accounts import services
    from forum.accounts.models import Invitation

    organiser = UserFactory(role="organiser")
    invitation = services.invite(organiser, "page.revoke@ha.example", "ha_staff")
    with client.session_transaction() as session:
        session["_user_id"] = organiser.get_id()
    assert "page.revoke@ha.example" in client.get("/invitations/new").get_data(as_text=True)
    assert client.post(f"/invitations/{invitation.id}/revoke").status_code == 302
    assert db.session.get(Invitation, invitation.id).revoked_at is not None


# --- a forum slug from the API obeys the form's rule -----------------------------------------------------

@pytest.mark.parametrize("slug", ["Bad Slug", "../admin", "a_b", "-edge-", "x" * 81, "<script>"])
def test_api_slug_is_validated_like_the_forms(slug):
    from datetime import datetime

    from forum.forums.services import create_forum

    with pytest.raises(ValidationError) as refused:
        create_forum(UserFactory(role="organiser"), {"title_en": "T", "slug": slug,
                                                     "starts_at": datetime(2026, 12, 8, 9),
                                                     "ends_at": datetime(2026, 12, 8, 17)})
    assert refused.value.field == "slug"


# --- demo data never lands in production ----------------------------------------------------------------

def test_demo_refuses_to_load_in_production(app, runner, monkeypatch):
    from forum.forums.models import Forum

    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Forum))
    result = runner.invoke(args=["forum", "demo"])
    assert result.exit_code != 0 and "production" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Forum)) == before


# --- one key per use, derived from SECRET_KEY; printed HKF1 badges keep scanning -----------------------

def test_keys_are_derived_separately_and_old_ticket_codes_keep_scanning(app):
    from forum import keys
    from forum.attendees.tickets import code_for, parse_code

    uses = {keys.key_for(p) for p in ("session", "password-reset", "email-verify", "ticket-v2", "csrf")}
    assert len(uses) == 5 and app.config["SECRET_KEY"].encode() not in uses
    ticket = TicketFactory()
    code = code_for(ticket)
    assert code.startswith("HKF2") and parse_code(code) == ticket.key
    # A badge printed before: "HKF1" signed with SECRET_KEY itself.
    tag = hmac.new(app.config["SECRET_KEY"].encode(), b"ticket:" + ticket.key, hashlib.sha256).digest()[:10]
    printed = "HKF1" + base64.b32encode(ticket.key + tag).decode()
    assert parse_code(printed) == ticket.key
    # An HKF2 code signed the HKF1 way (or the reverse) is refused.
    assert parse_code("HKF2" + printed[4:]) is None and parse_code("HKF1" + code[4:]) is None


def test_sessions_are_not_signed_with_secret_key_itself(app, client):
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    UserFactory(email="key@ha.example")
    client.post("/login", data={"email": "key@ha.example", "password": "correct horse battery"})
    cookie = client.get_cookie("session").value
    with pytest.raises(BadSignature):
        URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="cookie-session",
                               signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1}).loads(cookie)
