"""The organiser's list: search in both languages, filters, bounded queries, exports with ticket codes."""
import csv
import io

from openpyxl import load_workbook

from forum.attendees import exhibitor_staff, people
from forum.attendees.models import AttendeeStatus
from forum.attendees.tickets import code_for, issue_ticket
from forum.extensions import db
from forum.sites.services import find_site
from tests.factories import AttendeeFactory


def _people(forum):
    qmh, qeh = find_site("QMH"), find_site("QEH")
    chan = AttendeeFactory(forum=forum, name_en="CHAN Tai Man", name_zh="陳大文", site_id=qmh.id,
                           status=AttendeeStatus.registered)
    wong = AttendeeFactory(forum=forum, name_en="WONG Mei Ling", name_zh="黃美玲", site_id=qeh.id)
    lee = AttendeeFactory(forum=forum, name_en="LEE Siu Ming", name_zh="李小明", site_id=qeh.id,
                          status=AttendeeStatus.declined)
    return chan, wong, lee


def _names(client, url):
    html = client.get(url).get_data(as_text=True)
    return {n for n in ("CHAN Tai Man", "WONG Mei Ling", "LEE Siu Ming") if n in html}


def test_search_and_filters(client, login_as, forum):
    login_as("organiser")
    _people(forum)
    base = f"/forums/{forum.slug}/attendees/"
    assert _names(client, base) == {"CHAN Tai Man", "WONG Mei Ling", "LEE Siu Ming"}
    assert _names(client, base + "?q=chan") == {"CHAN Tai Man"}
    assert _names(client, base + "?q=美玲") == {"WONG Mei Ling"}
    assert _names(client, base + "?cluster=KC") == {"WONG Mei Ling", "LEE Siu Ming"}
    assert _names(client, base + f"?site={find_site('QMH').id}") == {"CHAN Tai Man"}
    assert _names(client, base + "?status=registered") == {"CHAN Tai Man"}
    assert _names(client, base + "?status=declined&cluster=KC") == {"LEE Siu Ming"}
    assert _names(client, base + "?status=cancelled") == set()


def test_checked_in_filter_and_count_follow_the_door(client, login_as, forum, api_token):
    from forum.checkin.services import Scan, annul_check_in, check_in
    from forum.checkin.models import CheckIn
    import sqlalchemy as sa

    organiser = login_as("organiser")
    chan, wong, _lee = _people(forum)
    wong.status = AttendeeStatus.registered
    for person in (chan, wong):
        check_in(organiser, forum, Scan(code=code_for(issue_ticket(person))))
    base = f"/forums/{forum.slug}/attendees/"
    assert _names(client, base + "?status=checked_in") == {"CHAN Tai Man", "WONG Mei Ling"}
    assert people.status_counts(forum)["checked_in"] == 2
    # An annulled entry no longer counts.
    row = db.session.scalar(sa.select(CheckIn).where(CheckIn.attendee_id == wong.id))
    annul_check_in(organiser, row, "scanned the wrong badge")
    assert _names(client, base + "?status=checked_in") == {"CHAN Tai Man"}
    rows = client.get(base).get_data(as_text=True).split("<tbody>")[1]
    assert rows.count('class="badge st-checked_in"') == 1


def test_list_runs_a_bounded_number_of_queries(client, login_as, forum, query_counter):
    login_as("organiser")
    for _ in range(3):
        AttendeeFactory(forum=forum, site_id=find_site("QMH").id)
    with query_counter() as small:
        assert client.get(f"/forums/{forum.slug}/attendees/").status_code == 200
    for i in range(60):
        AttendeeFactory(forum=forum, site_id=find_site(["QEH", "PWH", "TMH"][i % 3]).id)
    with query_counter() as large:
        assert client.get(f"/forums/{forum.slug}/attendees/").status_code == 200
    assert large.count == small.count


def test_exports_hold_the_exact_ticket_code(client, login_as, forum, app):
    login_as("organiser")
    chan, wong, _lee = _people(forum)
    from datetime import datetime, timezone

    chan.invited_at = datetime(2026, 11, 2, 1, 30, tzinfo=timezone.utc)
    chan.themes = ["data_ai"]
    db.session.flush()
    code = code_for(issue_ticket(chan))
    rows = list(csv.DictReader(io.StringIO(client.get(f"/forums/{forum.slug}/attendees/export.csv")
                                           .data.decode("utf-8-sig"))))
    by_email = {r["email"]: r for r in rows}
    assert by_email[chan.email]["ticket_code"] == code and by_email[chan.email]["name_zh"] == "陳大文"
    assert by_email[wong.email]["ticket_code"] == "" and by_email[wong.email]["cluster"] == "KC"
    # Times in Hong Kong time (01:30 UTC is 09:30 there); themes by name, not key.
    assert by_email[chan.email]["invited_at"] == "2026-11-02 09:30"
    assert by_email[chan.email]["themes"].startswith("Data") and "data_ai" not in by_email[chan.email]["themes"]
    workbook = load_workbook(io.BytesIO(client.get(f"/forums/{forum.slug}/attendees/export.xlsx").data))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    values = [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)]
    assert {v["email"]: v["ticket_code"] for v in values}[chan.email] == code
    # Filters apply to the export too.
    rows = list(csv.DictReader(io.StringIO(client.get(f"/forums/{forum.slug}/attendees/export.csv?status=registered")
                                           .data.decode("utf-8-sig"))))
    assert [r["email"] for r in rows] == [chan.email]


def test_cli_export(app, forum, tmp_path):
    chan, _wong, _lee = _people(forum)
    code = code_for(issue_ticket(chan))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["attendees", "export", forum.slug])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["email"]: r["ticket_code"] for r in rows}[chan.email] == code
    out = tmp_path / "a.xlsx"
    result = app.test_cli_runner().invoke(args=["attendees", "export", forum.slug, "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][-1] == "ticket_code"
    assert code in [c.value for c in sheet["S"]]


def test_attendee_page_reissue_and_wrong_forum(client, login_as, forum, outbox):
    from tests.factories import ForumFactory

    login_as("organiser")
    chan, _wong, _lee = _people(forum)
    old = code_for(issue_ticket(chan))
    page = client.get(f"/forums/{forum.slug}/attendees/{chan.id}").get_data(as_text=True)
    assert old in page and "badge.pdf" in page
    assert client.post(f"/forums/{forum.slug}/attendees/{chan.id}/reissue").status_code == 302
    from forum.attendees.tickets import lookup_for_scan

    assert lookup_for_scan(old, forum.id)[0] == "revoked"
    other = ForumFactory()
    assert client.get(f"/forums/{other.slug}/attendees/{chan.id}").status_code == 404


def test_status_counts(forum):
    _people(forum)
    assert people.status_counts(forum) == {"invited": 1, "registered": 1, "declined": 1, "cancelled": 0,
                                             "checked_in": 0}


def test_sync_exhibitor_staff_is_idempotent(organiser, forum, outbox):
    from tests.factories import CompanyFactory

    company = CompanyFactory()
    entries = [{"company_id": company.id, "name_en": "Joyce Wong", "name_zh": "黃卓儀", "email": "Joyce@Park.example",
                "title": "Product Manager"},
               {"company_id": company.id, "name_en": "Henry Lai", "name_zh": "賴浩賢", "email": "henry@park.example",
                "title": "CTO"}]
    first = exhibitor_staff.sync_exhibitor_staff(forum, organiser, entries)
    db.session.commit()
    assert {a.kind.value for a in first} == {"exhibitor"} and {a.status for a in first} == {AttendeeStatus.registered}
    codes = {a.email: code_for(a.tickets[-1]) for a in first}
    assert len(outbox()) == 2
    again = exhibitor_staff.sync_exhibitor_staff(forum, organiser, entries)
    db.session.commit()
    assert [a.id for a in again] == [a.id for a in first]
    assert {a.email: code_for(a.tickets[-1]) for a in again} == codes
    assert len(outbox()) == 2
    assert first[0].email == "joyce@park.example" and first[0].organisation == company.name_en


def test_organiser_edits_details_without_touching_answers(client, login_as, forum):
    login_as("organiser")
    chan, wong, _lee = _people(forum)
    chan.themes = ["data_ai"]
    code = code_for(issue_ticket(chan))
    db.session.flush()
    url = f"/forums/{forum.slug}/attendees/{chan.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="CHAN Tai Man"' in form and "walk_in" not in form
    data = {"name_en": "CHAN Tai-man", "name_zh": "陳大文", "email": chan.email, "title": "Senior Manager",
            "department": "", "site_id": str(find_site("PWH").id), "organisation": "", "kind": "speaker"}
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(chan)
    assert (chan.name_en, chan.title, chan.kind.value, chan.site.name_en) == (
        "CHAN Tai-man", "Senior Manager", "speaker", "Prince of Wales Hospital")
    assert chan.status == AttendeeStatus.registered and chan.themes == ["data_ai"]
    assert code_for(chan.tickets[-1]) == code
    html = client.post(url, data={**data, "email": wong.email}).get_data(as_text=True)
    assert "already on the forum" in html


def test_organiser_records_answers_given_by_phone(client, login_as, forum, outbox):
    from forum.attendees.tickets import current_ticket, lookup_for_scan

    login_as("organiser")
    _chan, wong, lee = _people(forum)
    base = f"/forums/{forum.slug}/attendees"
    assert client.post(f"{base}/{wong.id}/answer", data={"answer": "register"}).status_code == 302
    db.session.refresh(wong)
    code = code_for(current_ticket(wong))
    assert wong.status == AttendeeStatus.registered and "Your ticket" in outbox()[-1]["Subject"]
    client.post(f"{base}/{wong.id}/answer", data={"answer": "cancel"})
    db.session.refresh(wong)
    assert wong.status == AttendeeStatus.cancelled and lookup_for_scan(code, forum.id)[0] == "revoked"
    client.post(f"{base}/{lee.id}/answer", data={"answer": "bogus"})
    db.session.refresh(lee)
    assert lee.status == AttendeeStatus.declined
