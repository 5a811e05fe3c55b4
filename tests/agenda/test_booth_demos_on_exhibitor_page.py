"""The exhibitor's own page lists its open booth demos, booked and cancelled through the same service."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from forum.agenda import bookings
from forum.agenda.models import BoothBooking, BoothDemoSlot
from forum.extensions import db


def _open(ctx, app, count=2, capacity=1):
    slots = bookings.open_booth_slots(ctx["actor"], app, ctx["forum"].starts_at + timedelta(hours=2), 15, capacity,
                                      count)
    db.session.commit()
    return slots


def _page(client, ctx, app):
    return client.get(f"/exhibitors/forums/{ctx['forum'].slug}/exhibitors/{app.company_id}")


def _csrf(html):
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_ha_user_books_and_cancels_from_the_exhibitor_page(client, login_as, demo_forum):
    me = login_as("ha_staff")
    app, other = demo_forum["apps"][0], demo_forum["apps"][1]
    first, second = _open(demo_forum, app)
    _open(demo_forum, other, count=1)
    page = _page(client, demo_forum, app)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="booth-demos"' in html
    book_url = f"/forums/{demo_forum['forum'].slug}/booth-demos/{first.id}/book"
    assert book_url in html and f"/booth-demos/{second.id}/book" in html
    other_slot = db.session.scalar(sa.select(BoothDemoSlot.id).where(BoothDemoSlot.application_id == other.id))
    assert f"/booth-demos/{other_slot}/book" not in html  # only this exhibitor's slots
    here = f"/exhibitors/forums/{demo_forum['forum'].slug}/exhibitors/{app.company_id}"
    response = client.post(book_url, data={"csrf_token": _csrf(html), "next": here})
    assert response.status_code == 302 and response.headers["Location"].endswith(here)
    booking = db.session.scalar(sa.select(BoothBooking).where(BoothBooking.user_id == me.id))
    assert booking.slot_id == first.id and db.session.get(BoothDemoSlot, first.id).booked == 1
    html = _page(client, demo_forum, app).get_data(as_text=True)
    cancel_url = f"/booth-demos/bookings/{booking.id}/cancel"
    assert cancel_url in html and book_url not in html
    response = client.post(f"/forums/{demo_forum['forum'].slug}{cancel_url}",
                           data={"csrf_token": _csrf(html), "next": here})
    assert response.status_code == 302 and response.headers["Location"].endswith(here)
    db.session.expire_all()
    assert db.session.get(BoothDemoSlot, first.id).booked == 0
    assert book_url in _page(client, demo_forum, app).get_data(as_text=True)


def test_a_full_slot_shows_full_and_an_outside_next_is_ignored(client, login_as, demo_forum):
    app = demo_forum["apps"][0]
    (slot,) = _open(demo_forum, app, count=1)
    taker = login_as("ha_staff")
    bookings.book(taker, slot)
    db.session.commit()
    login_as("ha_staff")
    html = _page(client, demo_forum, app).get_data(as_text=True)
    assert "Full" in html and f"/booth-demos/{slot.id}/book" not in html
    response = client.post(f"/forums/{demo_forum['forum'].slug}/booth-demos/{slot.id}/book",
                           data={"csrf_token": _csrf(html), "next": "https://evil.example/"})
    assert "evil.example" not in response.headers["Location"]


def test_exhibitors_see_the_slots_without_book_buttons(client, login_as, demo_forum):
    app = demo_forum["apps"][0]
    (slot,) = _open(demo_forum, app, count=1)
    login_as("exhibitor", company_id=app.company_id)
    html = _page(client, demo_forum, app).get_data(as_text=True)
    assert 'id="booth-demos"' in html and f"/booth-demos/{slot.id}/book" not in html
