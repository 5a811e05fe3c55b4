"""Badges are real PDFs: the QR on them decodes to the ticket code, the Chinese name is text on the page."""
import pytest

from forum.attendees import badges
from forum.attendees.models import AttendeeKind, AttendeeStatus
from forum.attendees.tickets import code_for, issue_ticket
from forum.extensions import db
from tests.factories import AttendeeFactory, CompanyFactory
from tests.support.documents import decode_qr, pdf_page_count, pdf_pages_png, pdf_text


def _registered(forum, **fields):
    attendee = AttendeeFactory(forum=forum, status=AttendeeStatus.registered, **fields)
    return attendee, code_for(issue_ticket(attendee))


def test_one_badge_has_the_qr_and_both_names(organiser, forum):
    from forum.sites.services import find_site

    site = find_site("QMH")
    attendee, code = _registered(forum, name_en="Dr CHAN Ka Yan", name_zh="陳嘉欣醫生", title="Consultant",
                                 site_id=site.id)
    pdf = badges.one_badge(organiser, attendee)
    assert pdf_page_count(pdf) == 1
    text = pdf_text(pdf)
    assert "陳嘉欣醫生" in text and "Dr CHAN Ka Yan" in text and "Consultant" in text
    assert "Queen Mary Hospital" in text and "瑪麗醫院" in text and "醫院管理局" in text
    # The door ticket and, apart from it, the lead code exhibitors scan at their booth.
    from forum.attendees.lead_codes import lead_code_for

    assert sorted(decode_qr(pdf_pages_png(pdf, dpi=150)[0])) == sorted([code, lead_code_for(attendee)])


def test_exhibitor_badge_shows_the_company(organiser, forum):
    company = CompanyFactory(name_en="CareFlow Robotics Limited", name_zh="康流機械人有限公司")
    attendee, code = _registered(forum, kind=AttendeeKind.exhibitor, company_id=company.id, name_zh="黃卓儀")
    text = pdf_text(badges.one_badge(organiser, attendee))
    assert "CareFlow Robotics Limited" in text and "康流機械人有限公司" in text and "參展商" in text


def test_no_badge_without_a_ticket(organiser, forum):
    from forum.errors import ValidationError

    with pytest.raises(ValidationError):
        badges.one_badge(organiser, AttendeeFactory(forum=forum))


def test_four_up_a4_sheets_decode_every_code(organiser, forum):
    codes = {_registered(forum, name_zh=f"測試{i}")[1] for i in range(5)}
    AttendeeFactory(forum=forum)  # invited, no ticket: no badge
    pdf = badges.forum_badges_pdf(organiser, forum, layout="a4")
    assert pdf_page_count(pdf) == 2
    found = set()
    for page in pdf_pages_png(pdf, dpi=150):
        found |= set(decode_qr(page))
    # Each badge: its door ticket and its lead code (for exhibitors' booths).
    assert {c for c in found if c.startswith("HKF")} == codes
    assert len({c for c in found if c.startswith("HKL1")}) == 5 and len(found) == 10


def test_forum_badges_are_rendered_in_chunks(organiser, forum):
    for i in range(7):
        _registered(forum)
    progress = []
    pdf = badges.forum_badges_pdf(organiser, forum, layout="a6", chunk=3, progress=progress.append)
    assert progress == [3, 3, 1]
    assert pdf_page_count(pdf) == 7


def test_cli_badges_writes_a_pdf_with_a_progress_bar(app, forum, tmp_path):
    _attendee, code = _registered(forum, name_zh="陳大文")
    db.session.commit()
    out = tmp_path / "badges.pdf"
    result = app.test_cli_runner().invoke(args=["badges", forum.slug, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 1 badge(s)" in result.output
    pdf = out.read_bytes()
    assert "陳大文" in pdf_text(pdf)
    assert [c for c in decode_qr(pdf_pages_png(pdf)[0]) if not c.startswith("HKL1")] == [code]  # lead code apart


def test_badge_endpoint_url_and_permissions(app, client, login_as, forum):
    from flask import url_for

    attendee, code = _registered(forum)
    with app.test_request_context():
        url = url_for("attendees.badge", forum=forum.slug, attendee_id=attendee.id)
    assert url == f"/forums/{forum.slug}/attendees/{attendee.id}/badge.pdf"
    login_as("ha_staff")
    assert client.get(url).status_code == 403
    login_as("scanner")
    assert client.get(url).status_code == 403  # door staff: only the badge of a person they just scanned
    client.post(f"/api/v1/forums/{forum.slug}/checkins", json={"code": code})
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert [c for c in decode_qr(pdf_pages_png(response.data)[0]) if not c.startswith("HKL1")] == [code]
    login_as("organiser")
    assert client.get(f"/forums/{forum.slug}/attendees/999999/badge.pdf").status_code == 404


def test_forum_badges_from_the_organiser_ui(client, login_as, forum, monkeypatch):
    from forum.attendees import organiser_views

    login_as("organiser")
    codes = {_registered(forum)[1] for _ in range(2)}
    response = client.get(f"/forums/{forum.slug}/attendees/badges.pdf?layout=a4")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert {c for c in decode_qr(pdf_pages_png(response.data)[0]) if not c.startswith("HKL1")} == codes
    monkeypatch.setattr(organiser_views, "WEB_BADGE_LIMIT", 1)
    response = client.get(f"/forums/{forum.slug}/attendees/badges.pdf")
    assert response.status_code == 302


def test_chunks_laid_out_in_parallel_processes_keep_their_order(organiser, forum):
    from forum.attendees.badges import forum_badges_pdf

    names = [f"Dr Parallel {chr(65 + i)}" for i in range(6)]
    for name in names:
        _registered(forum, name_en=name)
    pdf = forum_badges_pdf(organiser, forum, layout="a6", chunk=2, processes=2)
    assert pdf_page_count(pdf) == 6
    text = pdf_text(pdf)
    assert [text.index(n) for n in names] == sorted(text.index(n) for n in names)  # the order of the list


def test_joined_chunks_keep_every_page_s_qr_images_and_chinese_text(organiser, forum):
    # Each chunk is its own PDF with its own fonts and images; the join copies them with its pages.
    people = {f"陳{chr(0x5927 + i)}文": _registered(forum, name_zh=f"陳{chr(0x5927 + i)}文")[1] for i in range(5)}
    pdf = badges.forum_badges_pdf(organiser, forum, layout="a6", chunk=2)
    assert pdf_page_count(pdf) == 5
    text = pdf_text(pdf)
    assert all(name in text for name in people)
    found = [set(decode_qr(page)) for page in pdf_pages_png(pdf, dpi=150)]
    assert {c for page in found for c in page if c.startswith("HKF")} == set(people.values())
    assert all(len(page) == 2 for page in found)  # the door ticket and the lead code, on every page


def _collector_settings():
    import gc

    return gc.get_threshold(), gc.get_freeze_count()


def test_the_layout_processes_collect_young_objects_less_often():
    """A layout makes objects by the hundred thousand: at Python's default threshold, collecting took
    about a quarter of a chunk's time (docs/benchmarks.md). The pool's processes do nothing else."""
    from forum.pdf import RENDER_GC_THRESHOLD, process_pool

    with process_pool(2) as pool:
        threshold, frozen = pool.submit(_collector_settings).result()
    assert threshold == RENDER_GC_THRESHOLD and RENDER_GC_THRESHOLD[0] > 700
    assert frozen > 0  # what the preload imported is out of the collector's sight
