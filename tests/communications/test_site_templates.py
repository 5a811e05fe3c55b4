"""Account mails (password, sign-up, invitation) belong to no forum: administrators word them once for the site."""
import re

import pytest

from forum.accounts import services as accounts
from forum.communications import templates
from forum.errors import NotFound, PermissionDenied, ValidationError
from forum.extensions import db
from tests.factories import UserFactory

RESET = {"subject_en": "Your new password", "subject_zh": "您的新密碼",
         "body_en": "Hi {name}: {reset_link} ({hours} h)", "body_zh": "{name}您好：{reset_link}（{hours}小時）"}


def test_a_saved_site_wording_is_the_password_mail_and_reset_brings_back_the_built_in_one(outbox):
    admin = UserFactory(role="admin")
    UserFactory(email="reset@ha.example", name_en="Dr Chan", name_zh="陳醫生", locale="zh_Hant_HK")
    templates.save(admin, None, "password_reset", RESET)
    db.session.commit()
    accounts.request_password_reset("reset@ha.example")
    db.session.commit()
    [message] = outbox()
    assert message["Subject"] == "您的新密碼"  # the language the person chose
    text = message.get_body(("plain",)).get_content()
    assert re.search(r"陳醫生您好：http://forum\.test/password/reset/\S+（\d+小時）", text) and "preview" not in text
    templates.reset(admin, None, "password_reset")
    accounts.request_password_reset("reset@ha.example")
    db.session.commit()
    assert outbox()[1]["Subject"] == "重設密碼"  # the built-in mail follows the choice too


def test_invitation_and_taken_address_mails_use_the_site_wording(outbox):
    admin = UserFactory(role="admin", name_en="Ada Admin")
    templates.save(admin, None, "account_invitation", {
        "subject_en": "Join us", "subject_zh": "加入我們", "body_en": "{inviter} asks {name}: {invitation_link}",
        "body_zh": "{inviter}邀請{name}：{invitation_link}"})
    templates.save(admin, None, "signup_address_taken", {
        "subject_en": "Taken", "subject_zh": "已被使用", "body_en": "{login_link} {reset_link}", "body_zh": "{login_link}"})
    accounts.invite(admin, "new@ha.example", "ha_staff", name_en="Dr New")
    accounts.tell_owner_of_taken_address("owner@ha.example")
    db.session.commit()
    invitation, taken = outbox()
    assert invitation["Subject"] == "Join us | 加入我們"
    assert "Ada Admin asks Dr New: http://forum.test/" in invitation.get_body(("plain",)).get_content()
    assert taken["Subject"] == "Taken | 已被使用" and "/password/forgot" in taken.get_body(("plain",)).get_content()


def test_site_wording_is_for_administrators_only_and_checks_placeholders(forum, organiser):
    with pytest.raises(PermissionDenied):
        templates.save(organiser, None, "password_reset", RESET)
    admin = UserFactory(role="admin")
    with pytest.raises(ValidationError) as refused:
        templates.save(admin, None, "password_reset", {**RESET, "body_en": "{forum_title} {reset_link}"})
    assert "{reset_link}" in str(refused.value.message)
    with pytest.raises(NotFound):  # a forum's mail is not a site mail, and the other way round
        templates.save(admin, None, "attendee_invitation", RESET)
    with pytest.raises(NotFound):
        templates.save(admin, forum, "password_reset", RESET)


def test_the_admin_page_previews_on_the_admins_own_account_test_sends_and_resets(client, login_as, outbox):
    admin = login_as("admin", email="root@hkstp.example", name_en="Root Admin", locale="en")
    index = client.get("/admin/users").get_data(as_text=True)
    assert "/admin/mail/" in index
    page = client.get("/admin/mail/").get_data(as_text=True)
    assert "/admin/mail/password_reset" in page and "/admin/mail/account_invitation" in page
    editor = client.get("/admin/mail/password_reset").get_data(as_text=True)
    assert "Root Admin" in editor and 'id="no-record"' not in editor
    shown = client.post("/admin/mail/password_reset", data={**RESET, "person": admin.id, "action": "preview"})
    text = shown.get_data(as_text=True)
    assert "Hi Root Admin: http://forum.test/password/reset/preview (24 h)" in text
    bad = client.post("/admin/mail/password_reset", data={**RESET, "body_en": "{ticket_link}", "action": "preview"})
    assert bad.status_code == 200 and "{reset_link}" in bad.get_data(as_text=True)
    client.post("/admin/mail/password_reset", data={**RESET, "person": admin.id, "action": "test"})
    [test] = outbox()
    assert test["To"] == "root@hkstp.example" and test["Subject"] == "[TEST] Your new password"
    assert client.post("/admin/mail/password_reset", data={**RESET, "action": "save"}).status_code == 302
    assert templates.override(None, "password_reset") is not None
    assert client.post("/admin/mail/password_reset/reset").status_code == 302
    assert templates.override(None, "password_reset") is None


def test_organisers_cannot_open_the_account_mail_pages(client, login_as):
    login_as("organiser")
    assert client.get("/admin/mail/").status_code == 403
    assert client.get("/admin/mail/password_reset").status_code == 403


def test_data_lab_news_uses_the_site_wording_and_previews_on_the_newest_application(app, outbox):
    from forum.communications import previews
    from forum.datalab import applications
    from tests.factories import CompanyFactory
    from tests.support.datalab import APPROVAL_DAY, VALUES

    admin = UserFactory(role="admin")
    company = CompanyFactory()
    applicant = UserFactory(role="exhibitor", company_id=company.id, locale="en")
    templates.save(admin, None, "datalab_status", {
        "subject_en": "Lab: {application_title}", "subject_zh": "實驗室：{application_title}",
        "body_en": "{name}: {notice} {application_link}", "body_zh": "{name}：{notice}"})
    with app.test_request_context():
        draft = applications.create_draft(applicant, dict(VALUES))
        applications.submit(applicant, draft, now=APPROVAL_DAY)
    db.session.commit()
    [message] = [m for m in outbox() if m["To"] == applicant.email]
    assert message["Subject"] == f"Lab: {draft.title}"
    assert "Your application is with both committees. http://forum.test/" in message.get_body(("plain",)).get_content()
    with app.test_request_context():
        [(record, _label)] = previews.records(None, "lab_application")
        defaults = templates.kind("datalab_status", site=True).defaults()
        shown = previews.preview(None, "datalab_status", defaults, record)
        assert shown["subject"] == "Data lab application"
        assert "Your application is with both committees." in shown["text"]


@pytest.mark.parametrize("key", sorted(templates.SITE_KINDS))
def test_every_site_mail_opens_in_the_editor(client, login_as, key):
    login_as("admin")
    page = client.get(f"/admin/mail/{key}")
    first = "{" + templates.SITE_KINDS[key].placeholders[0] + "}"
    assert page.status_code == 200 and first in page.get_data(as_text=True)
