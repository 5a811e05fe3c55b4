"""The six-month follow-ups, sent by the daily job, reach each person in the language they chose, or both."""
from datetime import timedelta

import sqlalchemy as sa

from forum.db import utcnow
from forum.exhibitors.models import company_admin
from forum.extensions import db
from forum.jobs import services as jobs
from tests.factories import UserFactory

ENGLISH, CHINESE = "Please answer with one click", "請按一下回覆"


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(("html",)).get_content()


def _daily_job() -> None:
    jobs.start_system("follow_ups")
    db.session.commit()  # immediate mode: the job runs and its mail leaves after this commit


def test_a_pilot_follow_up_follows_each_owners_choice(make_pilot, outbox):
    team = UserFactory(role="partnership")
    sponsor = UserFactory(role="ha_staff", email="sponsor@ha.example", locale="zh_Hant_HK")
    pilot = make_pilot(team, sponsor_user_id=sponsor.id)
    pilot.created_at = utcnow() - timedelta(days=200)
    pilot.company.contact_email, pilot.company.contact_name = "hello@company.example", "Ms Contact"  # no account
    admin = UserFactory(role="exhibitor", email="admin@company.example", company_id=pilot.company_id, locale="en")
    db.session.execute(sa.insert(company_admin).values(company_id=pilot.company_id, user_id=admin.id))
    db.session.commit()

    _daily_job()
    mails = {m["To"]: m for m in outbox()}
    assert sorted(mails) == ["admin@company.example", "hello@company.example", "sponsor@ha.example"]

    chinese = mails["sponsor@ha.example"]
    assert CHINESE in _text(chinese) and ENGLISH not in _text(chinese)
    assert chinese["Subject"] == "試點進展如何？"
    assert 'lang="zh-Hant-HK"' in _html(chinese) and 'lang="en"' not in _html(chinese)

    english = mails["admin@company.example"]
    assert ENGLISH in _text(english) and CHINESE not in _text(english)
    assert english["Subject"] == f"How did it go? {pilot.title}"
    assert 'lang="en"' in _html(english) and 'lang="zh-Hant-HK"' not in _html(english)

    both = mails["hello@company.example"]
    assert _text(both).index(ENGLISH) < _text(both).index(CHINESE)  # English first, then Chinese
    assert both["Subject"] == f"How did it go? {pilot.title} | 試點進展如何？"


def test_the_company_contact_with_an_account_gets_that_accounts_language(make_pilot, outbox):
    team = UserFactory(role="partnership")
    pilot = make_pilot(team)
    pilot.created_at = utcnow() - timedelta(days=200)
    pilot.company.contact_email = "Boss@Company.example "
    UserFactory(role="exhibitor", email="boss@company.example", locale="zh_Hant_HK")
    db.session.commit()

    _daily_job()
    [message] = outbox()
    assert CHINESE in _text(message) and ENGLISH not in _text(message)


def test_a_pilot_follow_up_in_the_forums_own_wording_follows_the_choice_too(make_pilot, outbox):
    from forum.communications import templates

    team = UserFactory(role="partnership")
    sponsor = UserFactory(role="ha_staff", email="sponsor@ha.example", locale="zh_Hant_HK")
    pilot = make_pilot(team, sponsor_user_id=sponsor.id)
    pilot.created_at = utcnow() - timedelta(days=200)
    pilot.company.contact_email = ""
    templates.save(UserFactory(role="organiser"), pilot.forums[-1], "pilot_follow_up",
                   {"subject_en": "WORDED {pilot_title}", "subject_zh": "措辭 {pilot_title}",
                    "body_en": "Hello {name}: {follow_up_link}", "body_zh": "{name}您好：{follow_up_link}"})
    db.session.commit()

    _daily_job()
    [message] = outbox()
    assert message["Subject"] == f"措辭 {pilot.title}" and "Hello" not in _text(message)
