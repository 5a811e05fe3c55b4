"""Mail templates: the sandbox, refusals that name the valid placeholders, the person's language, overrides in use."""
import pytest

from forum.attendees import services as attendee_services
from forum.attendees.models import AttendeeStatus
from forum.communications import previews, templates
from forum.communications.rendering import check, fill
from forum.errors import ValidationError
from forum.extensions import db
from tests.factories import AttendeeFactory, UserFactory

TEXTS = {"subject_en": "Come to {forum_title}", "subject_zh": "請蒞臨{forum_title}",
         "body_en": "Hello {name} of {organisation}: {respond_link}", "body_zh": "{name}您好：{respond_link}"}


@pytest.mark.parametrize("text", ["{name.__class__}", "{name[0]}", "{name!r}", "{name:>30}", "{password}",
                                  "{}", "{0}", "{__import__}"])
def test_anything_but_a_listed_name_is_refused_with_the_valid_list(text):
    with pytest.raises(ValidationError) as refused:
        check(text, ("name", "forum_title"), "body_en")
    assert "{name}, {forum_title}" in str(refused.value.message)
    assert refused.value.fields == {"body_en": refused.value.message}


@pytest.mark.parametrize("text", ["Hello {name", "Hello name}", "{{name}"])
def test_malformed_braces_are_refused_in_words(text):
    with pytest.raises(ValidationError) as refused:
        check(text, ("name",), "body_zh")
    assert "{name}" in str(refused.value.message)


def test_missing_or_none_values_render_empty_and_doubled_braces_stay_literal():
    assert fill("[{name}] [{title}] {{literal}}", {"name": None}) == "[] [] {literal}"


def test_preview_renders_a_real_attendee_in_both_languages_when_they_chose_none(forum):
    person = AttendeeFactory(forum=forum, name_en="CHAN Tai Man", name_zh="陳大文", organisation="")
    shown = previews.preview(forum, "attendee_invitation", TEXTS, person)
    assert shown["subject"] == f"Come to {forum.title_en} | 請蒞臨{forum.title_zh}"
    assert "Hello CHAN Tai Man of :" in shown["text"] and "陳大文您好" in shown["text"]
    assert "None" not in shown["text"]
    assert "/rsvp/preview" in shown["text"]  # a stand-in: the person's real link is not replaced by a preview


def test_a_person_who_chose_chinese_gets_only_chinese(forum):
    user = UserFactory(locale="zh_Hant_HK")
    person = AttendeeFactory(forum=forum, user=user)
    shown = previews.preview(forum, "attendee_invitation", TEXTS, person)
    assert shown["subject"] == f"請蒞臨{forum.title_zh}"
    assert "Hello" not in shown["text"]


def test_a_saved_template_is_what_the_invitation_says_and_reset_brings_back_the_default(forum, organiser, outbox):
    person = AttendeeFactory(forum=forum)
    templates.save(organiser, forum, "attendee_invitation", TEXTS)
    attendee_services.send_invitation(organiser, person)
    db.session.commit()
    [message] = outbox()
    assert message["Subject"] == f"Come to {forum.title_en} | 請蒞臨{forum.title_zh}"
    body = message.get_body(("plain",)).get_content()
    assert "/rsvp/" in body and "/rsvp/preview" not in body  # the real personal link

    templates.reset(organiser, forum, "attendee_invitation")
    attendee_services.send_invitation(organiser, person)
    db.session.commit()
    assert outbox()[-1]["Subject"] == f"Invitation: {forum.title_en} | 邀請：{forum.title_zh}"


def test_a_template_that_does_not_render_is_never_saved(forum, organiser):
    with pytest.raises(ValidationError):
        templates.save(organiser, forum, "attendee_invitation", {**TEXTS, "body_zh": "{first_name.upper}"})
    assert templates.override(forum, "attendee_invitation") is None


def test_send_test_goes_to_the_organiser_only(forum, organiser, outbox):
    person = AttendeeFactory(forum=forum)
    previews.send_test(organiser, forum, "attendee_invitation", TEXTS, person)
    db.session.commit()
    [message] = outbox()
    assert message["To"] == organiser.email and message["Subject"].startswith("[TEST] ")


def test_the_ticket_template_keeps_its_attachments(forum, organiser, outbox):
    person = AttendeeFactory(forum=forum)
    templates.save(organiser, forum, "attendee_ticket", {**TEXTS, "body_en": "Ticket {ticket_code} {ticket_link}"})
    attendee_services.register(person, {"themes": [], "consent": True, "access_needs": "", "dietary_needs": "",
                                        "share_contact": False}, actor=organiser)
    db.session.commit()
    message = outbox()[-1]
    assert "Ticket HKF" in message.get_body(("plain",)).get_content()
    assert {p.get_filename() for p in message.iter_attachments()} == {"ticket-qr.png", "forum.ics"}


def test_the_survey_invitation_uses_the_forums_wording(client, login_as, forum, outbox):
    organiser = login_as("organiser")
    AttendeeFactory(forum=forum, status=AttendeeStatus.registered, email="ward@ha.example")
    templates.save(organiser, forum, "forum_survey", {**TEXTS, "body_en": "Tell us, {name}: {survey_link}",
                                                      "body_zh": "{name}，請告訴我們：{survey_link}"})
    db.session.commit()
    assert client.post(f"/forums/{forum.slug}/surveys/attendees/send").status_code == 302
    [message] = outbox()
    body = message.get_body(("plain",)).get_content()
    assert "Tell us, " in body and "/survey/" in body and "/preview" not in body


def test_the_decision_on_an_application_uses_the_forums_wording_and_previews_on_an_application(forum, organiser,
                                                                                                outbox):
    from forum.exhibitors.models import ApplicationStatus
    from forum.exhibitors.services import decide
    from tests.factories import ApplicationFactory, CompanyFactory

    company = CompanyFactory(name_en="Wardwise Limited", name_zh="病房智慧有限公司", contact_email="hello@wardwise.example")
    application = ApplicationFactory(forum=forum, company=company, status=ApplicationStatus.submitted)
    words = {"subject_en": "Decision: {forum_title}", "subject_zh": "決定：{forum_title}",
             "body_en": "Dear {name},\n\n{decision}\n\n{note}\n\nDetails: {application_link}",
             "body_zh": "{name}：\n\n{decision}\n\n{note}"}
    templates.save(organiser, forum, "exhibitor_decision", words)
    decide(organiser, application, "approve")
    db.session.commit()
    [message] = outbox()
    body = message.get_body(("plain",)).get_content()
    assert message["To"] == "hello@wardwise.example" and message["Subject"].startswith("Decision: ")
    assert "Dear Wardwise Limited," in body and "is approved." in body and "病房智慧有限公司：" in body
    assert "\n\n\n" not in body and "None" not in body  # no note: its line is gone, nothing says None
    assert f"/applications/{application.id}" in body or str(application.id) in body

    shown = previews.preview(forum, "exhibitor_decision", words, application)
    assert "is approved." in shown["text"]
