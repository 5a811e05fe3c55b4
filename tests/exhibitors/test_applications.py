"""Applying to a forum: drafts, submission, staff limit, demo requests, deadline, history, isolation."""
from datetime import datetime, timedelta, timezone

import pytest

from forum.errors import PermissionDenied, ValidationError
from forum.exhibitors import applications, solutions
from forum.exhibitors.models import ApplicationStatus
from forum.extensions import db
from forum.forums.models import ForumStatus
from tests.factories import SolutionFactory, UserFactory


def _data(solution, **extra):
    return {"solution_ids": [solution.id], "needs_power": True, "needs_screen": False, "needs_table": True,
            "booth_notes": "", "staff": [{"name_en": "Ann Lee", "name_zh": "李安", "email": "ann@x.example",
                                          "title": "CTO"}], **extra}


def _sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()


def test_draft_then_submit_with_a_demo_request(open_forum, make_company):
    company, admin = make_company()
    solution = SolutionFactory(company=company)
    draft = applications.save_application(admin, open_forum, company, {"solution_ids": []})
    assert draft.status == ApplicationStatus.draft  # a draft may be incomplete
    with pytest.raises(ValidationError) as caught:
        applications.save_application(admin, open_forum, company, {"demo_requested": True}, submit=True)
    assert caught.value.field == "solution_ids"
    data = _data(solution, demo_requested=True, demo_solution_id=solution.id, demo_presenter="Ann Lee",
                 demo_minutes=10, demo_av="HDMI", demo_windows="09:30-10:30，11:00 - 12:00")
    application = applications.save_application(admin, open_forum, company, data, submit=True)
    assert application.status == ApplicationStatus.submitted and application.submitted_at
    assert application.demo_windows == "09:30-10:30, 11:00-12:00"
    assert [p.name_zh for p in application.staff] == ["李安"]
    actions = [e.action for e in applications.history(application)]
    assert actions.count("application.update") == 1 and "application.create" in actions


@pytest.mark.parametrize("extra,field", [
    ({"demo_requested": True, "demo_presenter": "", "demo_windows": "09:00-10:00"}, "demo_solution_id"),
    ({"demo_windows": "10:00-09:00"}, "demo_windows"),
    ({"demo_windows": "morning"}, "demo_windows"),
    ({"demo_minutes": 90}, "demo_minutes"),
])
def test_bad_demo_requests_are_refused(open_forum, make_company, extra, field):
    company, admin = make_company()
    solution = SolutionFactory(company=company)
    with pytest.raises(ValidationError) as caught:
        applications.save_application(admin, open_forum, company, _data(solution, **extra), submit=True)
    assert caught.value.field == field


def test_staff_are_limited_to_the_forums_per_booth_number(open_forum, make_company):
    company, admin = make_company()
    solution = SolutionFactory(company=company)
    people = [{"name_en": f"P{n}", "name_zh": "", "email": "", "title": ""} for n in range(3)]
    with pytest.raises(ValidationError) as caught:
        applications.save_application(admin, open_forum, company, _data(solution, staff=people))
    assert "At most 2" in caught.value.message


def test_solutions_of_another_company_cannot_be_chosen(open_forum, make_company):
    company, admin = make_company()
    foreign = SolutionFactory()
    with pytest.raises(ValidationError):
        applications.save_application(admin, open_forum, company, {"solution_ids": [foreign.id]})


def test_after_the_deadline_only_organisers_change_applications(open_forum, make_company):
    company, admin = make_company()
    solution = SolutionFactory(company=company)
    applications.save_application(admin, open_forum, company, _data(solution), submit=True)
    open_forum.exhibitor_deadline = datetime.now(timezone.utc) - timedelta(minutes=1)
    with pytest.raises(ValidationError) as caught:
        applications.save_application(admin, open_forum, company, {"booth_notes": "late"})
    assert "closed" in caught.value.message
    organiser = UserFactory(role="organiser")
    application = applications.save_application(organiser, open_forum, company, {"booth_notes": "fixed by HKSTP"})
    assert application.booth_notes == "fixed by HKSTP"
    last = applications.history(application)[0]
    assert last.actor_id == organiser.id and last.changes["booth_notes"] == ["", "fixed by HKSTP"]


def test_a_draft_forum_takes_no_applications(open_forum, make_company):
    company, admin = make_company()
    open_forum.status = ForumStatus.draft
    with pytest.raises(ValidationError):
        applications.save_application(admin, open_forum, company, {})


def test_exhibitor_never_sees_or_changes_another_companys_application(client, open_forum, make_company):
    company, admin = make_company()
    solution = SolutionFactory(company=company)
    theirs = applications.save_application(admin, open_forum, company, _data(solution), submit=True)
    theirs.status, theirs.booth_code = ApplicationStatus.approved, "A01"
    other, other_admin = make_company()
    db.session.commit()
    _sign_in(client, other_admin)
    for url in (f"/exhibitors/applications/{theirs.id}", f"/exhibitors/applications/{theirs.id}/edit",
                f"/exhibitors/applications/{theirs.id}/poster.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/exhibitors/applications/{theirs.id}/edit",
                       data={"booth_notes": "hijacked"}).status_code == 404
    assert client.get(f"/exhibitors/solutions/{solution.id}/edit").status_code == 404
    assert client.post(f"/exhibitors/solutions/{solution.id}/edit", data={"title_en": "x"}).status_code == 404
    # The service refuses too, whatever entry point calls it.
    with pytest.raises(PermissionDenied):
        applications.save_application(other_admin, open_forum, company, {"booth_notes": "hijacked"})
    with pytest.raises(PermissionDenied):
        solutions.save_solution(other_admin, company, solution, {"title_en": "hijacked"})
    db.session.refresh(theirs)
    assert theirs.booth_notes == "" and solution.title_en != "hijacked"
    # Their own application page works, and the forum's apply page starts a fresh one for them.
    assert client.get(f"/exhibitors/forums/{open_forum.slug}/apply").status_code == 200


def test_apply_page_saves_a_draft_and_submits(client, open_forum, make_company):
    company, admin = make_company()
    solution = SolutionFactory(company=company)
    db.session.commit()
    _sign_in(client, admin)
    page = client.get(f"/exhibitors/forums/{open_forum.slug}/apply").get_data(as_text=True)
    assert page.count('name="staff-') == 2 * 4  # two rows of four fields: the forum's per-booth limit
    form = {"solution_ids": [str(solution.id)], "needs_power": "y", "staff-0-name_en": "Ann Lee",
            "demo_solution_id": "0", "demo_minutes": "10", "action": "save"}
    response = client.post(f"/exhibitors/forums/{open_forum.slug}/apply", data=form)
    assert response.status_code == 302
    application = applications.application_of(open_forum, company.id)
    assert application.status == ApplicationStatus.draft and application.staff[0].name_en == "Ann Lee"
    response = client.post(f"/exhibitors/forums/{open_forum.slug}/apply", data={**form, "action": "submit"})
    db.session.refresh(application)
    assert application.status == ApplicationStatus.submitted
    history = client.get(response.headers["Location"]).get_data(as_text=True)
    # Readable sentences, not the stored records.
    assert "started the application" in history and "submitted the application" in history
    assert "Status: draft → submitted" in history
    assert "application.create" not in history and "application.update" not in history


def test_home_page_tells_a_new_exhibitor_what_to_do_next(client, make_company, open_forum, monkeypatch):
    from forum.home import views as home_views

    from forum.forums.services import get_forum

    slug = open_forum.slug  # loaded in the request's own session, not the test's
    monkeypatch.setattr(home_views, "current_forum", lambda: get_forum(slug))
    company, admin = make_company()
    db.session.commit()
    _sign_in(client, admin)
    html = client.get("/").get_data(as_text=True)
    assert "Add your first solution" in html and "Apply to exhibit at the forum" in html
    SolutionFactory(company=company)
    applications.save_application(admin, open_forum, company, {})
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Add your first solution" not in html and "Follow your application" in html
