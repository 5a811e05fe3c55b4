"""The short bilingual survey after a forum: organisers edit the questions, send it, and read the answers.

Attendees (registered HA people) are asked whether the forum was useful, which solutions
they want to follow up and with whom; exhibitors (company contacts and admins) whether it was
useful and whom they want to follow up with. Each person gets a personal link (only its
SHA-256 is stored); answers are kept with the forum, with the question as it was asked.
"""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import mail
from ..audit.services import record
from ..communications.templates import account_locales, override, person_at, queue_builtin, queue_custom
from ..db import utcnow
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..permissions import ensure
from ..refs import parse_id
from .links import by_link, new_link
from .models import Survey, SurveyInvite

AUDIENCES = ("attendees", "exhibitors")
KINDS = ("rating", "solutions", "text")
DEFAULT_QUESTIONS = {
    "attendees": [
        {"kind": "rating", "en": "Was the forum useful to you?", "zh": "論壇對您有用嗎？"},
        {"kind": "solutions", "en": "Which solutions do you want to follow up?", "zh": "您想跟進哪些方案？"},
        {"kind": "text", "en": "With whom (colleagues, departments) should we follow up?",
         "zh": "我們應與哪些同事或部門跟進？"},
    ],
    "exhibitors": [
        {"kind": "rating", "en": "Was the forum useful to you?", "zh": "論壇對您有用嗎？"},
        {"kind": "text", "en": "Which HA teams or people do you want to follow up with?",
         "zh": "您想與醫管局哪些團隊或人員跟進？"},
        {"kind": "text", "en": "What should we do better next time?", "zh": "下次有甚麼可以做得更好？"},
    ],
}


def survey_for(forum, audience: str, *, create: bool = True) -> Survey:
    """The forum's survey for this audience, with the default questions until organisers change them.

    Pages only read (create=False: an unsaved survey with the defaults); editing and sending save it.
    """
    if audience not in AUDIENCES:
        raise NotFound()
    survey = db.session.scalar(sa.select(Survey).where(Survey.forum_id == forum.id, Survey.audience == audience))
    if survey is None:
        survey = Survey(forum_id=forum.id, forum=forum, audience=audience,
                        questions=[dict(q) for q in DEFAULT_QUESTIONS[audience]])
        if create:
            db.session.add(survey)
            db.session.flush()
    return survey


# The kinds as organisers write them in Chinese; either language is read back.
KIND_WORDS_ZH = {"rating": "評分", "solutions": "方案", "text": "文字"}
_KIND_OF_WORD = {**{k: k for k in KINDS}, **{zh: k for k, zh in KIND_WORDS_ZH.items()}}


def questions_as_text(survey: Survey, *, chinese: bool = False) -> str:
    words = KIND_WORDS_ZH if chinese else {}
    return "\n".join(f"{words.get(q['kind'], q['kind'])} | {q['en']} | {q['zh']}" for q in survey.questions)


def parse_questions(text: str) -> list[dict]:
    """One question a line: `kind | English | 中文`; kind is rating, solutions or text (or 評分, 方案, 文字)."""
    out = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not all(parts):
            raise ValidationError(_l("Line %(n)d: write kind | English | Chinese.", n=number), field="questions")
        kind = _KIND_OF_WORD.get(parts[0].lower())
        if kind is None:
            raise ValidationError(_l("Line %(n)d: the kind is rating, solutions or text.", n=number),
                                  field="questions")
        out.append({"kind": kind, "en": parts[1][:300], "zh": parts[2][:300]})
    if not out:
        raise ValidationError(_l("Ask at least one question."), field="questions")
    return out


def edit_questions(actor, survey: Survey, text: str) -> None:
    ensure(actor, "survey.manage")
    questions = parse_questions(text)
    if questions != survey.questions:
        record(actor, "survey.edit", survey, forum_id=survey.forum_id,
               changes={"questions": [[q["en"] for q in survey.questions], [q["en"] for q in questions]]})
        survey.questions = questions
    db.session.flush()


def recipients(survey: Survey) -> list[tuple[str, str]]:
    from ..accounts.models import User
    from ..attendees.models import Attendee, AttendeeStatus
    from ..exhibitors.models import Application, ApplicationStatus, Company, company_admin

    if survey.audience == "attendees":
        rows = db.session.execute(sa.select(Attendee.email, Attendee.name_en, Attendee.name_zh).where(
            Attendee.forum_id == survey.forum_id, Attendee.status == AttendeeStatus.registered)).all()
        people = [(email, en or zh) for email, en, zh in rows]
    else:
        approved = sa.select(Application.company_id).where(Application.forum_id == survey.forum_id,
                                                            Application.status == ApplicationStatus.approved)
        contacts = db.session.execute(sa.select(Company.contact_email, Company.contact_name).where(
            Company.id.in_(approved), Company.contact_email != "")).all()
        admins = db.session.execute(sa.select(User.email, User.name_en).join(
            company_admin, company_admin.c.user_id == User.id).where(company_admin.c.company_id.in_(approved))).all()
        people = [tuple(r) for r in contacts] + [tuple(r) for r in admins]
    seen, out = set(), []
    for email, name in people:
        if email and email.lower() not in seen:
            seen.add(email.lower())
            out.append((email, name or ""))
    return out


def send(actor, survey: Survey) -> int:
    """Invite everyone not invited yet; returns how many. The mail leaves when the caller commits."""
    ensure(actor, "survey.manage")
    invited = set(e.lower() for e in db.session.scalars(sa.select(SurveyInvite.email).where(
        SurveyInvite.survey_id == survey.id)))
    forum = survey.forum
    new = 0
    people = [(email, name) for email, name in recipients(survey) if email.lower() not in invited]
    locales = account_locales(email for email, _name in people)  # one query, not one per person
    wording = override(forum, "forum_survey")
    for email, name in people:
        token, token_hash = new_link()
        db.session.add(SurveyInvite(survey_id=survey.id, email=email, name=name, token_hash=token_hash))
        link = mail.external_url("surveys.respond", token=token)
        person = person_at(email, name_en=name, locales=locales)
        if not queue_custom(forum, "forum_survey", email, person, extra={"survey_link": link}, wording=wording):
            queue_builtin(email, person, {"en": f"Your view of {forum.title_en}",
                                          "zh_Hant_HK": f"意見調查：{forum.title_zh}"}, "forum_survey", forum=forum, name=name, link=link)
        new += 1
    record(actor, "survey.send", survey, forum_id=survey.forum_id, changes={"invited": new})
    db.session.flush()
    return new


def invite_by_token(token: str) -> SurveyInvite:
    return by_link(SurveyInvite, token)


def solution_choices(forum_id: int) -> list:
    from ..exhibitors.models import Application, ApplicationStatus, Solution, application_solution

    shown = (sa.select(application_solution.c.solution_id).join(Application, Application.id ==
                                                                 application_solution.c.application_id)
             .where(Application.forum_id == forum_id, Application.status == ApplicationStatus.approved))
    return db.session.scalars(sa.select(Solution).where(Solution.id.in_(shown)).order_by(Solution.title_en)).all()


def answer(invite: SurveyInvite, form) -> None:
    """Check and keep the answers (form: a MultiDict of q0, q1 ...); answering again replaces them."""
    questions = invite.survey.questions
    allowed = {s.id: s for s in solution_choices(invite.survey.forum_id)}
    kept, errors = [], {}
    for index, q in enumerate(questions):
        key = f"q{index}"
        if q["kind"] == "rating":
            raw = form.get(key, "")
            if raw not in ("1", "2", "3", "4", "5"):
                errors[key] = str(_l("Choose 1 to 5."))
                continue
            value = int(raw)
        elif q["kind"] == "solutions":
            ids = [i for i in map(parse_id, form.getlist(key)) if i is not None]
            if any(i not in allowed for i in ids):
                errors[key] = str(_l("Choose from the forum's solutions."))
                continue
            value = [{"id": i, "title_en": allowed[i].title_en, "title_zh": allowed[i].title_zh} for i in ids]
        else:
            value = (form.get(key) or "").strip()[:2000]
        kept.append({"kind": q["kind"], "en": q["en"], "zh": q["zh"], "value": value})
    if errors:
        raise ValidationError(_l("Please correct the marked answers."), fields=errors)
    invite.answers, invite.answered_at = kept, utcnow()
    db.session.flush()


def results(survey: Survey) -> dict:
    """Counts for the organisers: who answered, ratings, the solutions people want to follow up, texts."""
    invites = db.session.scalars(sa.select(SurveyInvite).where(SurveyInvite.survey_id == survey.id)).all() \
        if survey.id else []
    answered = [i for i in invites if i.answers]
    ratings: dict[str, Counter] = {}
    wanted: Counter = Counter()
    texts: dict[str, list[str]] = {}
    chinese: dict[str, str] = {}  # each question's Chinese wording, for Chinese readers of the results
    for invite in answered:
        for a in invite.answers:
            chinese.setdefault(a["en"], a.get("zh") or a["en"])
            if a["kind"] == "rating":
                ratings.setdefault(a["en"], Counter())[a["value"]] += 1
            elif a["kind"] == "solutions":
                wanted.update((s["title_en"], s["title_zh"]) for s in a["value"])
            elif a["value"]:
                texts.setdefault(a["en"], []).append(a["value"])
    averages = {q: round(sum(k * n for k, n in c.items()) / sum(c.values()), 2) for q, c in ratings.items()}
    return {"invited": len(invites), "answered": len(answered), "ratings": ratings, "averages": averages,
            "wanted": wanted.most_common(20), "texts": texts, "chinese": chinese}
