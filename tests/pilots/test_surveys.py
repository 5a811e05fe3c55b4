"""The feedback survey: organisers edit the bilingual questions and send it; each person answers once by link."""
import re

import sqlalchemy as sa

from forum.attendees.models import AttendeeStatus
from forum.exhibitors.models import ApplicationStatus
from forum.extensions import db
from forum.pilots.models import SurveyInvite
from tests.factories import ApplicationFactory, AttendeeFactory, ForumFactory, SolutionFactory


def _link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/survey/\S+)", body).group(1)


def test_attendees_survey_from_questions_to_results(client, login_as, outbox):
    organiser = login_as("organiser")
    forum = ForumFactory()
    solution = SolutionFactory(title_en="Falls sensor", title_zh="跌倒感應器")
    ApplicationFactory(forum=forum, company=solution.company, status=ApplicationStatus.approved, solutions=[solution])
    AttendeeFactory(forum=forum, status=AttendeeStatus.registered, email="ward@ha.example")
    AttendeeFactory(forum=forum, status=AttendeeStatus.invited, email="not.registered@ha.example")
    base = f"/forums/{forum.slug}/surveys/attendees"

    page = client.get(base).get_data(as_text=True)
    assert "rating | Was the forum useful to you? | 論壇對您有用嗎？" in page
    bad = client.post(base + "/questions", data={"questions": "stars | Useful? | 有用嗎？"})
    assert bad.status_code == 400 and "Line 1: the kind is rating, solutions or text." in bad.get_data(as_text=True)
    assert "stars | Useful?" in bad.get_data(as_text=True)  # what was typed is kept
    questions = ("rating | Was it useful? | 有用嗎？\nsolutions | Which solutions? | 哪些方案？\n"
                 "text | With whom? | 與誰跟進？")
    assert client.post(base + "/questions", data={"questions": questions}).status_code == 302

    assert client.post(base + "/send").status_code == 302
    mails = outbox()
    assert [m["To"] for m in mails] == ["ward@ha.example"]
    assert client.post(base + "/send").status_code == 302 and len(outbox()) == 1  # nobody twice

    client.post("/logout")
    link = _link(mails[0])
    form = client.get(link, headers={"Accept-Language": "zh-HK"}).get_data(as_text=True)
    assert "有用嗎？" in form and "跌倒感應器" in form
    refused = client.post(link, data={"q0": "9", "q2": "Dr Chan, A&E"})
    assert refused.status_code == 400 and 'id="q0-error"' in refused.get_data(as_text=True)
    assert "Dr Chan, A&amp;E" in refused.get_data(as_text=True)  # kept
    assert client.post(link, data={"q0": "4", "q1": [str(solution.id)], "q2": "Dr Chan, A&E"}).status_code == 302
    invite = db.session.scalar(sa.select(SurveyInvite))
    assert [a["value"] for a in invite.answers][0] == 4 and invite.answers[1]["value"][0]["title_en"] == "Falls sensor"

    login_as("partnership")
    results = client.get(base).get_data(as_text=True)
    assert "1 of 1 invited people answered." in results and "average 4.0 of 5" in results
    assert "Falls sensor" in results and "Dr Chan, A&amp;E" in results
    assert "Save questions" not in results  # partnership reads, organisers edit
    assert client.post(base + "/send").status_code == 403
    assert organiser.id


def test_exhibitors_survey_goes_to_company_contacts(client, login_as, outbox):
    login_as("organiser")
    forum = ForumFactory()
    solution = SolutionFactory()
    solution.company.contact_email = "hello@startup.example"
    ApplicationFactory(forum=forum, company=solution.company, status=ApplicationStatus.approved)
    client.post(f"/forums/{forum.slug}/surveys/exhibitors/send")
    assert [m["To"] for m in outbox()] == ["hello@startup.example"]
    assert client.get(f"/forums/{forum.slug}/surveys/visitors").status_code == 404
    assert client.get("/survey/nope").status_code == 404


def test_organisers_reading_chinese_write_the_kinds_in_chinese(client, login_as):
    from forum.pilots.surveys import parse_questions

    assert [q["kind"] for q in parse_questions("評分 | Useful? | 有用嗎？\n方案 | Which? | 哪些？\n文字 | Who? | 誰？")] \
        == ["rating", "solutions", "text"]
    user = login_as("organiser")
    user.locale = "zh_Hant_HK"
    forum = ForumFactory()
    page = client.get(f"/forums/{forum.slug}/surveys/attendees").get_data(as_text=True)
    assert "評分 | Was the forum useful to you? | 論壇對您有用嗎？" in page and "rating |" not in page


def test_sending_to_many_reads_their_languages_at_once(login_as, query_counter, outbox):
    """Each invitee's language comes from their account; the statements do not grow with the list."""
    from forum.pilots import surveys
    from tests.factories import UserFactory

    organiser = login_as("organiser")

    def survey_for(n: int):
        forum = ForumFactory()
        for i in range(n):
            AttendeeFactory(forum=forum, status=AttendeeStatus.registered, email=f"p{n}-{i}@ha.example")
        UserFactory(email=f"p{n}-0@ha.example", locale="zh_Hant_HK")  # one of them reads Chinese
        return surveys.survey_for(forum, "attendees")

    counts = []
    for n in (3, 12):
        survey = survey_for(n)
        with query_counter() as q:
            assert surveys.send(organiser, survey) == n
        counts.append(sum(s.lstrip().startswith("SELECT") for s in q.statements))  # reads, not the invites written
    assert counts[0] == counts[1]
    db.session.commit()
    chinese = [m for m in outbox() if m["To"] == "p12-0@ha.example"][0]
    assert chinese["Subject"].startswith("意見調查") and "|" not in chinese["Subject"]
