from datetime import datetime

import pytest
import sqlalchemy as sa

from forum.audit.models import AuditEvent
from forum.db import HK
from forum.errors import PermissionDenied, ValidationError
from forum.extensions import db
from forum.forums import services
from forum.forums.models import Forum, ForumStatus
from tests.factories import ForumFactory, UserFactory

FORM = {
    "title_en": "HKSTP x HA Innovation Forum 2027", "title_zh": "創新論壇 2027", "venue_en": "HA Building",
    "venue_zh": "醫院管理局大樓", "starts_at": "2027-03-02T09:30", "ends_at": "2027-03-02T13:00",
    "status": "draft", "attendee_capacity": "250", "booth_capacity": "30", "staff_per_booth": "3",
    "demo_slot_count": "6",
}


def test_organiser_creates_a_forum_in_hong_kong_time(client, login_as):
    organiser = login_as("organiser")
    response = client.post("/forums/new", data=FORM)
    assert response.status_code == 302
    forum = db.session.scalar(sa.select(Forum).where(Forum.title_en == FORM["title_en"]))
    assert forum.slug == "hkstp-x-ha-innovation-forum-2027-2027-03"
    assert forum.starts_at == datetime(2027, 3, 2, 9, 30, tzinfo=HK)
    assert forum.starts_at.utcoffset().total_seconds() == 0  # stored and returned as UTC
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "forum.create"))
    assert event.actor_id == organiser.id and event.forum_id == forum.id


def test_a_bad_forum_form_keeps_what_was_typed(client, login_as):
    login_as("organiser")
    data = dict(FORM, ends_at="2027-03-02T08:00", title_zh="智慧醫院論壇")
    response = client.post("/forums/new", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The forum must end after it starts." in text
    assert 'value="智慧醫院論壇"' in text and 'value="2027-03-02T08:00"' in text
    assert db.session.scalar(sa.select(sa.func.count(Forum.id))) == 0


def test_errors_show_in_chinese_for_chinese_readers(client, login_as):
    login_as("organiser", locale="zh_Hant_HK")
    text = client.post("/forums/new", data=dict(FORM, title_en="", title_zh="")).get_data(as_text=True)
    assert "請填寫英文或中文標題。" in text


def test_editing_records_what_changed(client, login_as):
    login_as("organiser")
    forum = ForumFactory(booth_capacity=27)
    response = client.post(f"/forums/{forum.slug}/edit", data=dict(FORM, booth_capacity="30", slug=forum.slug))
    assert response.status_code == 302
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "forum.update"))
    assert event.changes["booth_capacity"] == [27, 30]


def test_unknown_forum_is_404_not_500(client, login_as):
    login_as("organiser")
    assert client.get("/forums/no-such-forum").status_code == 404
    assert client.get("/forums/999999/edit").status_code == 404


def test_drafts_are_hidden_from_everyone_but_organisers(client, login_as):
    draft = ForumFactory(status=ForumStatus.draft)
    login_as("ha_staff")
    assert client.get(f"/forums/{draft.slug}").status_code == 404
    assert draft.title_en not in client.get("/forums/").get_data(as_text=True)


def test_forum_is_found_by_id_or_slug():
    forum = ForumFactory(slug="innovation-2026")
    assert services.get_forum(str(forum.id)) is forum
    assert services.get_forum("Innovation-2026 ") is forum


def test_service_refuses_people_without_the_grant():
    with pytest.raises(PermissionDenied):
        services.create_forum(UserFactory(role="exhibitor"), {"title_en": "x"})


def test_deadline_after_the_forum_is_refused():
    organiser = UserFactory(role="organiser")
    with pytest.raises(ValidationError, match="deadline"):
        services.create_forum(organiser, {
            "title_en": "Forum", "starts_at": datetime(2027, 1, 1, 9), "ends_at": datetime(2027, 1, 1, 12),
            "registration_deadline": datetime(2027, 1, 2, 9)})


def test_slugs_stay_unique():
    organiser = UserFactory(role="organiser")
    values = {"title_en": "Same Title", "starts_at": datetime(2027, 1, 1, 9), "ends_at": datetime(2027, 1, 1, 12)}
    first = services.create_forum(organiser, values)
    second = services.create_forum(organiser, dict(values))
    assert first.slug != second.slug and second.slug.startswith(first.slug)


def test_forum_list_uses_a_bounded_number_of_queries(client, login_as, query_counter):
    login_as("organiser")
    counts = []
    for extra in (2, 40):
        ForumFactory.create_batch(extra)
        with query_counter() as q:
            assert client.get("/forums/").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1] and counts[0] <= 4
