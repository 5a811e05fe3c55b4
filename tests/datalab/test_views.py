"""The pages: wiring, permissions and what each shows."""
import io

from forum.datalab import applications, outputs, review
from forum.datalab.models import LabApplication, LabApplicationStatus
from forum.extensions import db
from tests.support.datalab import VALUES
from tests.factories import CompanyFactory, UserFactory


def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()


def test_apply_through_the_pages(client, datalab, company, outbox):
    _company, applicant, colleague = company
    sign_in(client, applicant)
    form = {k: v for k, v in VALUES.items() if k != "data_domains"} | {"data_domains": VALUES["data_domains"],
                                                                     "solution_id": "0"}
    response = client.post("/datalab/applications/new", data=form)
    assert response.status_code == 302
    application = db.session.scalars(db.select(LabApplication)).one()
    client.post(f"/datalab/applications/{application.id}/team", data={"email": colleague.email})
    response = client.post(f"/datalab/applications/{application.id}/submit")
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status == LabApplicationStatus.under_review
    page = client.get(f"/datalab/applications/{application.id}").get_data(as_text=True)
    assert "submitted the application to both committees" in page and "Under review" in page
    assert len(outbox()) == 2


def test_a_bad_form_keeps_what_was_typed(client, datalab, company):
    _company, applicant, _colleague = company
    sign_in(client, applicant)
    response = client.post("/datalab/applications/new", data={"title": "x" * 300, "lay_summary": "Kept text",
                                                               "ethics_status": "approved", "solution_id": "0"})
    assert response.status_code == 200
    assert "Kept text" in response.get_data(as_text=True)


def test_another_company_gets_403(client, datalab, submitted):
    sign_in(client, UserFactory(role="exhibitor", company_id=CompanyFactory().id))
    assert client.get(f"/datalab/applications/{submitted.id}").status_code == 403
    assert client.get(f"/api/v1/datalab/applications/{submitted.id}").status_code == 403


def test_committee_member_decides_through_the_page(client, datalab, submitted):
    ethics, _governance = review.current_reviews(submitted)
    sign_in(client, datalab.governance_chair)
    assert client.get(f"/datalab/staff/reviews/{ethics.id}").status_code == 403  # not their committee
    sign_in(client, datalab.ethics_member)
    listing = client.get("/datalab/staff/reviews").get_data(as_text=True)
    assert f"/datalab/staff/reviews/{ethics.id}" in listing
    response = client.post(f"/datalab/staff/reviews/{ethics.id}",
                           data={"decision": "request_changes", "section": "purpose", "comments": "Consent?"})
    assert response.status_code == 302
    db.session.refresh(submitted)
    assert submitted.status == LabApplicationStatus.changes_requested


def test_staff_pages(client, datalab, submitted):
    sign_in(client, datalab.staff)
    queue = client.get("/datalab/staff/queue").get_data(as_text=True)
    assert submitted.title in queue and datalab.ethics.name_en in queue
    assert client.get("/datalab/staff/door").status_code == 200
    assert client.get("/datalab/staff/settings").status_code == 200
    assert client.get("/datalab/staff/reports").status_code == 200
    audit = client.get("/datalab/staff/audit?format=csv")
    assert audit.mimetype == "text/csv" and "submitted the application to both committees" in audit.get_data(
        as_text=True)
    response = client.post("/datalab/staff/settings", data={"form": "blackout", "blackout-day": "2026-12-09",
                                                            "blackout-reason": "Maintenance"})
    assert response.status_code == 302
    # HA staff who are not lab staff are refused the staff pages
    sign_in(client, UserFactory(role="ha_staff"))
    assert client.get("/datalab/staff/queue").status_code == 403
    assert client.get("/datalab/staff/door").status_code == 403


def test_holiday_list_upload(client, datalab):
    from forum.datalab.lab import is_open_day
    from datetime import date

    sign_in(client, datalab.staff)
    data = {"form": "holidays", "holidays-file": (io.BytesIO("date,name_en,name_zh\n2028-01-03,Test day,測試\n".encode()),
                                                   "h.csv")}
    assert client.post("/datalab/staff/settings", data=data, content_type="multipart/form-data").status_code == 302
    assert not is_open_day(date(2028, 1, 3))


def test_public_register_shows_only_published_projects(client, datalab, approved):
    assert approved.title not in client.get("/datalab/register").get_data(as_text=True)
    sign_in(client, datalab.staff)
    client.post(f"/datalab/staff/applications/{approved.id}/publish")
    page = client.application.test_client().get("/datalab/register").get_data(as_text=True)  # anonymous
    assert approved.title in page and approved.lay_summary in page


def test_booking_page_and_remaining_days(client, datalab, company, approved):
    _company, applicant, _colleague = company
    sign_in(client, applicant)
    page = client.get(f"/datalab/applications/{approved.id}/book").get_data(as_text=True)
    assert "5 of 5 session-days left" in page and "WS1" in page


def test_output_review_page_and_download(client, datalab, company, approved):
    _company, applicant, _colleague = company
    request = outputs.create_request(applicant, approved, "Falls", [(b"a,b\n1,200\n", "f.csv")])
    sign_in(client, datalab.staff)
    page = client.get(f"/datalab/staff/outputs/{request.id}").get_data(as_text=True)
    assert "1 small cells flagged" in page
    client.post(f"/datalab/staff/outputs/{request.id}", data={"verdict": "release"})
    sign_in(client, datalab.staff2)
    client.post(f"/datalab/staff/outputs/{request.id}", data={"verdict": "release"})
    sign_in(client, applicant)
    response = client.get(f"/datalab/outputs/files/{request.files[0].id}")
    assert response.status_code == 200 and response.data == b"a,b\n1,200\n"


def _submitted_with_team(size: int):
    company = CompanyFactory()
    team = [UserFactory(role="exhibitor", company_id=company.id) for _ in range(size)]
    application = applications.create_draft(team[0], dict(VALUES))
    for person in team[1:]:
        applications.add_team_member(team[0], application, person.email)
        applications.update_profile(person, {"training": "HA data privacy course"})
    applications.submit(team[0], application)
    return application


def test_status_page_query_count_does_not_grow_with_the_team(client, datalab, query_counter):
    small, large = _submitted_with_team(2), _submitted_with_team(7)
    db.session.commit()  # nothing of the test's own left to flush inside the counted requests
    sign_in(client, datalab.staff)
    client.get(f"/datalab/applications/{small.id}")
    with query_counter() as few:
        assert client.get(f"/datalab/applications/{small.id}").status_code == 200
    with query_counter() as more:
        assert client.get(f"/datalab/applications/{large.id}").status_code == 200
    assert more.count == few.count


def test_lab_staff_set_the_rules_and_add_workstations(client, datalab):
    from forum.datalab.lab import get_lab

    sign_in(client, datalab.staff)
    rules = {"form": "rules", "rules-pass_days": "4", "rules-window_days": "60", "rules-noshow_minutes": "20",
             "rules-cancel_hours": "48", "rules-hold_minutes": "90", "rules-disclosure_threshold": "5"}
    assert client.post("/datalab/staff/settings", data=rules).status_code == 302
    lab = get_lab()
    assert (lab.pass_days, lab.window_days, lab.cancel_hours, lab.disclosure_threshold) == (4, 60, 48, 5)
    bad = client.post("/datalab/staff/settings", data=rules | {"rules-pass_days": "99"})
    assert bad.status_code == 200 and "Between 1 and 30." in bad.get_data(as_text=True)
    assert client.post("/datalab/staff/settings", data={"form": "station", "station-code": "ws9"}).status_code == 302
    page = client.get("/datalab/staff/settings").get_data(as_text=True)
    assert "WS9" in page
    again = client.post("/datalab/staff/settings", data={"form": "station", "station-code": "WS9"})
    assert "There is already a workstation with that code." in again.get_data(as_text=True)


def test_reports_and_their_exports(client, datalab, company, approved):
    import io

    from openpyxl import load_workbook

    from forum.datalab import bookings, door
    from datetime import datetime
    from forum.db import HK
    from tests.support.datalab import APPROVAL_DAY, day

    _company, applicant, colleague = company
    kept = bookings.book(applicant, approved, applicant.id, datalab.stations[0].id, day(1), "am", now=APPROVAL_DAY)
    bookings.book(applicant, approved, colleague.id, datalab.stations[1].id, day(1), "am", now=APPROVAL_DAY)
    member = next(m for m in approved.team if m.user_id == applicant.id)
    door.scan(datalab.staff, door.pass_code(member), "in", now=datetime(2026, 12, 1, 9, 35, tzinfo=HK))
    bookings.mark_no_shows(datalab.staff, now=datetime(2026, 12, 1, 10, 5, tzinfo=HK))
    assert kept.entered_at is not None
    sign_in(client, datalab.staff)
    page = client.get("/datalab/staff/reports").get_data(as_text=True)
    assert "1 no-shows of 2 sessions due" in page
    csv_text = client.get("/datalab/staff/reports?format=csv").get_data(as_text=True)
    assert "2026-12,1,2,1,3.0,1" in csv_text and "approved,1" in csv_text
    book = load_workbook(io.BytesIO(client.get("/datalab/staff/reports?format=xlsx").data))
    assert book.sheetnames == ["usage", "applications", "turnaround", "no_shows", "organisations"]
    assert [c.value for c in book["usage"][2]] == ["2026-12", 1, 2, 1, 3, 1]


def test_home_page_suggests_the_next_data_lab_step(client, datalab, company, submitted):
    from tests.factories import ForumFactory

    ForumFactory()
    ethics, _governance = review.current_reviews(submitted)
    sign_in(client, datalab.ethics_member)
    assert "1 data lab applications wait for your committee" in client.get("/").get_data(as_text=True)
    review.decide(datalab.ethics_member, ethics, "request_changes", "Consent?")
    sign_in(client, company[1])
    assert "Answer the committee" in client.get("/").get_data(as_text=True)
    sign_in(client, UserFactory(role="ha_staff"))
    assert "data lab" not in client.get("/").get_data(as_text=True)


def test_exports_keep_formula_like_text_as_text(datalab):
    import io

    from openpyxl import load_workbook

    from forum.datalab import reports

    data = reports.summary(datalab.staff)
    data["organisations"] = [("=1+1", 1), ("@SUM(A1)", 2), ("Plain Co", 3)]
    raw = reports.report_csv(data)
    assert raw.startswith("\ufeff".encode())  # the shared writer's BOM: Excel reads the Chinese right
    text = raw.decode("utf-8-sig")
    assert "'=1+1,1" in text and "'@SUM(A1),2" in text and "\nPlain Co,3" in text
    book = load_workbook(io.BytesIO(reports.report_xlsx(data)))
    # The shared writer keeps the text as typed, stored as text: never a formula.
    assert [book["organisations"][f"A{n}"].value for n in (2, 3, 4)] == ["=1+1", "@SUM(A1)", "Plain Co"]
    assert book["organisations"]["A2"].data_type == "s"
    assert book.sheetnames == ["usage", "applications", "turnaround", "no_shows", "organisations"]


def test_audit_exports_go_through_the_shared_writer(client, datalab, company):
    import io

    from openpyxl import load_workbook

    _company, applicant, _colleague = company
    applications.create_draft(applicant, dict(VALUES, title="=HYPERLINK(\"http://x\")"))
    db.session.flush()
    sign_in(client, datalab.staff)
    csv_response = client.get("/datalab/staff/audit?format=csv")
    assert csv_response.data.startswith("\ufeff".encode())
    assert "started the application" in csv_response.get_data(as_text=True)
    xlsx = client.get("/datalab/staff/audit?format=xlsx")
    assert xlsx.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["when (HK)", "who", "what"]
    assert any("started the application" in (row[2] or "") for row in rows[1:])
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_a_test_clock_in_the_config_is_not_honoured(app, client, datalab, company, approved):
    """Production code has no test hooks: the lab judges the door at the server's clock, whatever the config."""
    from datetime import datetime, timedelta, timezone

    from forum.datalab import bookings, door
    from forum.datalab.models import DoorScan
    from forum.db import HK
    from tests.support.datalab import APPROVAL_DAY, day

    _company, applicant, colleague = company
    bookings.book(applicant, approved, colleague.id, datalab.stations[0].id, day(3), "am", now=APPROVAL_DAY)
    member = next(m for m in approved.team if m.user_id == colleague.id)
    code = door.pass_code(member)
    db.session.flush()
    app.config["DATALAB_CLOCK"] = lambda: datetime(2026, 12, 3, 9, 20, tzinfo=HK)
    sign_in(client, datalab.staff)
    point = door.open_door_point(datalab.staff)
    client.post(f"/api/v1/checkin/points/{point.id}/checkins", json={"code": code, "direction": "in"})
    scan = db.session.scalars(db.select(DoorScan).order_by(DoorScan.id.desc())).first()
    at = scan.at if scan.at.tzinfo else scan.at.replace(tzinfo=timezone.utc)
    assert abs(at - datetime.now(timezone.utc)) < timedelta(minutes=5)
