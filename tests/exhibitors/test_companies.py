"""Companies sign up, duplicates are caught, company admins manage their people."""
import re

import pytest
import sqlalchemy as sa

from forum.accounts.models import Invitation, User
from forum.errors import Conflict, PermissionDenied, ValidationError
from forum.exhibitors import companies
from forum.extensions import db

BASE = {"name_en": "Acme Vision Limited", "name_zh": "艾克視覺有限公司", "sector": "ai_robotics",
        "contact_name": "Mary Lau", "contact_email": "Mary@Acme.example", "website": "acme.example"}


def test_sign_up_creates_the_company_and_its_admin():
    user, company = companies.sign_up(BASE, password="a long password")
    assert user.role == "exhibitor" and user.company_id == company.id and user.email == "mary@acme.example"
    assert companies.is_company_admin(user, company.id)
    assert company.website == "https://acme.example"
    assert "艾克視覺" in company.search_text and "acme vision" in company.search_text


@pytest.mark.parametrize("name_en,name_zh", [
    ("ACME   vision limited", ""),            # case and spacing
    ("ＡＣＭＥ Ｖｉｓｉｏｎ Ｌｉｍｉｔｅｄ", ""),   # full-width letters
    ("Other name", "艾克視覺有限公司"),          # the same Chinese name
    ("", "acme vision limited"),               # the English name typed in the Chinese box
])
def test_duplicate_company_names_are_caught(name_en, name_zh):
    companies.sign_up(BASE, password="a long password")
    with pytest.raises(Conflict) as caught:
        companies.sign_up({**BASE, "name_en": name_en, "name_zh": name_zh, "contact_email": "b@b.example"},
                         password="a long password")
    assert caught.value.field == "name_en"


def test_signup_page_registers_and_signs_in(client, outbox):
    response = client.post("/exhibitors/signup", data={**BASE, "password": "a long password"})
    # Signed in only once the address is confirmed through the mailed link.
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    [message] = outbox()
    link = re.search(r"http://forum\.test(/verify/\S+)", message.get_body(preferencelist=("plain",)).get_content())
    assert client.get(link.group(1)).headers["Location"].endswith("/exhibitors/company")
    page = client.get("/exhibitors/company").get_data(as_text=True)
    assert "Acme Vision Limited" in page
    # The same name again: the form comes back with the message next to the name, typed values kept.
    client.post("/logout")
    again = client.post("/exhibitors/signup", data={**BASE, "name_en": "acme VISION limited",
                                                    "contact_email": "x@y.example", "password": "a long password"})
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and "already registered" in html and "x@y.example" in html


def test_company_admin_invites_a_colleague_and_a_member_cannot(make_company, outbox, client, login_as):
    company, admin = make_company()
    invitation = companies.invite_colleague(admin, company, "new.person@acme.example", name_en="New Person")
    db.session.commit()
    assert invitation.role == "exhibitor" and invitation.company_id == company.id
    assert invitation.invited_by_id == admin.id
    assert [m["To"] for m in outbox()] == ["new.person@acme.example"]
    member = User(email="member@acme.example", role="exhibitor", company_id=company.id)
    db.session.add(member)
    db.session.flush()
    with pytest.raises(PermissionDenied):
        companies.invite_colleague(member, company, "another@acme.example")
    # An admin of another company cannot invite into this one.
    other, other_admin = make_company()
    with pytest.raises(PermissionDenied):
        companies.invite_colleague(other_admin, company, "sneaky@acme.example")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
        Invitation.email.in_(["another@acme.example", "sneaky@acme.example"]))) == 0


def test_company_admin_removes_a_colleague(make_company):
    company, admin = make_company()
    colleague = User(email="colleague@acme.example", role="exhibitor", company_id=company.id, session_version=1)
    db.session.add(colleague)
    db.session.flush()
    companies.remove_colleague(admin, company, colleague)
    assert colleague.company_id is None and colleague.session_version == 2
    with pytest.raises(ValidationError):
        companies.remove_colleague(admin, company, admin)


def test_invite_page_for_company_admin(client, make_company, outbox):
    company, admin = make_company()
    with client.session_transaction() as session:
        session["_user_id"] = admin.get_id()
    response = client.post("/exhibitors/company/members", data={"email": "third@acme.example"})
    assert response.status_code == 302
    assert any(m["To"] == "third@acme.example" for m in outbox())


def test_company_admin_names_another_admin_from_the_company_page(client, make_company):
    company, admin = make_company()
    colleague = User(email="second@acme.example", role="exhibitor", company_id=company.id, session_version=1)
    db.session.add(colleague)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = admin.get_id()
    assert "Make company admin" in client.get("/exhibitors/company").get_data(as_text=True)
    client.post(f"/exhibitors/company/members/{colleague.id}/admin")
    assert companies.is_company_admin(colleague, company.id)
    outsider = User(email="outsider@else.example", role="exhibitor", session_version=1)
    db.session.add(outsider)
    db.session.commit()
    client.post(f"/exhibitors/company/members/{outsider.id}/admin")
    assert not companies.is_company_admin(outsider, company.id)


def test_draft_forums_have_no_directory_for_exhibitors(client, login_as):
    from forum.forums.models import ForumStatus
    from tests.factories import ForumFactory

    forum = ForumFactory(status=ForumStatus.draft)
    login_as("exhibitor")
    assert client.get(f"/exhibitors/forums/{forum.slug}/directory").status_code == 404


def test_removing_yourself_is_explained_on_the_company_page(client, make_company):
    company, admin = make_company()
    with client.session_transaction() as session:
        session["_user_id"] = admin.get_id()
    response = client.post(f"/exhibitors/company/members/{admin.id}/remove", follow_redirects=True)
    assert response.status_code == 200
    assert "You cannot remove yourself" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.company_id == company.id


def test_company_admin_invites_only_exhibitors_into_own_company(make_company):
    from forum.accounts.services import invite

    company, admin = make_company()
    other, _ = make_company()
    assert not hasattr(companies, "_CompanyInviter")  # no stand-in organiser acting for the admin
    for role, company_id in (("organiser", None), ("ha_staff", None), ("exhibitor", other.id)):
        with pytest.raises(PermissionDenied):
            invite(admin, f"{role}@x.example", role, company_id=company_id)
    invitation = invite(admin, "ok@acme.example", "exhibitor", company_id=company.id)
    assert invitation.invited_by_id == admin.id
