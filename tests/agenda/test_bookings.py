"""Booth demo bookings: never over-booked (also at once, from threads), cancel, My agenda, private feed."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from icalendar import Calendar

from forum.agenda import bookings, releases, sessions
from forum.agenda.models import BoothDemoSlot
from forum.db import write_transactions
from forum.errors import Conflict, PermissionDenied, ValidationError
from forum.exhibitors.models import ApplicationStatus
from forum.extensions import db
from tests.factories import ApplicationFactory, ForumFactory, UserFactory


def _slot(forum=None, capacity=2):
    forum = forum or ForumFactory()
    application = ApplicationFactory(forum=forum, status=ApplicationStatus.approved, booth_code="A01")
    organiser = UserFactory(role="organiser")
    return bookings.open_booth_slots(organiser, application, forum.starts_at + timedelta(hours=2), 15, capacity)[0]


def test_booking_fills_a_slot_and_refuses_the_next_and_the_same_person_twice(app):
    slot = _slot(capacity=2)
    a, b, c = (UserFactory(role="ha_staff") for _ in range(3))
    bookings.book(a, slot)
    with pytest.raises(Conflict, match="already booked"):
        bookings.book(a, slot)
    bookings.book(b, slot)
    with pytest.raises(Conflict, match="full"):
        bookings.book(c, slot)
    assert slot.booked == 2
    booking = bookings.my_bookings(b, slot.application.forum)[0]
    bookings.cancel_booking(b, booking)
    bookings.cancel_booking(b, booking)  # twice: the place comes back once
    assert db.session.get(BoothDemoSlot, slot.id).booked == 1
    bookings.book(c, slot)


def test_exhibitor_opens_only_for_its_own_company_and_within_the_forum(app):
    forum = ForumFactory()
    application = ApplicationFactory(forum=forum, status=ApplicationStatus.approved)
    stranger = UserFactory(role="exhibitor", company_id=ApplicationFactory(forum=forum).company_id)
    with pytest.raises(PermissionDenied):
        bookings.open_booth_slots(stranger, application, forum.starts_at, 15, 5)
    owner = UserFactory(role="exhibitor", company_id=application.company_id)
    with pytest.raises(ValidationError) as error:
        bookings.open_booth_slots(owner, application, forum.starts_at - timedelta(hours=1), 15, 5)
    assert error.value.field == "starts_at"
    assert len(bookings.open_booth_slots(owner, application, forum.starts_at, 15, 5, count=3)) == 3
    with pytest.raises(PermissionDenied):
        bookings.book(owner, db.session.query(BoothDemoSlot).first())


@pytest.mark.committed
def test_two_people_booking_the_last_place_at_once_get_one_place(app, committed):
    slot = _slot(capacity=1)
    people = [UserFactory(role="ha_staff") for _ in range(6)]
    db.session.commit()
    slot_id, ids = slot.id, [p.id for p in people]
    barrier, outcomes = threading.Barrier(len(ids)), []

    def attempt(user_id):
        from forum.accounts.models import User

        barrier.wait()
        with app.app_context(), write_transactions():
            try:
                bookings.book(db.session.get(User, user_id), db.session.get(BoothDemoSlot, slot_id))
                db.session.commit()
                outcomes.append("ok")
            except Conflict:
                db.session.rollback()
                outcomes.append("full")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["full"] * 5 + ["ok"], outcomes
    db.session.rollback()
    assert db.session.get(BoothDemoSlot, slot_id).booked == 1


def test_my_agenda_page_and_private_feed(client, login_as, demo_forum):
    forum = demo_forum["forum"]
    talk = sessions.save_session(demo_forum["actor"], forum, {
        "kind": "keynote", "title_en": "Opening", "starts_at": forum.starts_at, "ends_at": forum.starts_at + timedelta(minutes=30),
        "room_id": demo_forum["stage"].id})
    releases.publish(demo_forum["actor"], forum)
    slot = _slot(forum)
    user = login_as("ha_staff")
    bookings.book(user, slot)
    db.session.commit()
    page = client.get(f"/forums/{forum.slug}/agenda").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    client.post(f"/forums/{forum.slug}/agenda/sessions/{talk.id}/star", data={"csrf_token": token})
    html = client.post(f"/forums/{forum.slug}/my-agenda", data={"csrf_token": token}).get_data(as_text=True)
    assert "Opening" in html and "Booth demo: " in html
    url = html.split('<code id="feed-url">')[1].split("</code>")[0]
    assert user.email not in url and "@" not in url  # no personal data in the address
    client.get("/logout")
    feed = client.get(url.replace("http://localhost", ""))
    assert feed.status_code == 200
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    assert sorted(str(e["summary"]) for e in events)[0].startswith("Booth demo:")
    assert any(str(e["summary"]).startswith("Opening") for e in events)
    assert client.get("/agenda/feed/not-a-token/" + forum.slug + ".ics").status_code == 404
