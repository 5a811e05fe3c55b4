"""The networking hour as organisers and participants use it."""
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.accounts.models import User
from forum.db import utcnow
from forum.errors import Conflict, PermissionDenied, ValidationError
from forum.extensions import db
from forum.matchmaking import networking
from forum.matchmaking.models import NetworkingHour, NetworkingMeeting
from tests.factories import AttendeeFactory, UserFactory


@pytest.fixture
def hour_people(forum, exhibitors, organiser):
    ha = [UserFactory(role="ha_staff") for _ in range(4)]
    for user in ha:
        AttendeeFactory(forum=forum, user_id=user.id, email=user.email, email_key=user.email)
    booths = [UserFactory(role="exhibitor", company_id=a.company_id) for a in exhibitors[:2]]
    hour = networking.open_hour(organiser, forum, starts_at=utcnow() + timedelta(days=1), slots=3, tables=2, cap=2)
    return hour, ha, booths


def test_wishes_run_and_timetables_are_clash_free(organiser, hour_people):
    hour, ha, booths = hour_people
    for person in ha:
        for booth in booths:
            networking.set_wish(person, hour, booth.id, "must")
    networking.set_wish(booths[0], hour, ha[3].id, "no")  # blocks the pair whoever asked
    networking.set_busy(ha[0], hour, [0, 1])
    summary = networking.run(organiser, hour, seconds=5)
    assert summary["status"] == "OPTIMAL" and summary["objective"] == summary["bound"]
    rows = db.session.scalars(sa.select(NetworkingMeeting)).all()
    assert len(rows) == 4  # each booth person meets at most two (the cap)
    seen = set()
    for m in rows:
        for p in (m.first_id, m.second_id):
            assert (p, m.slot) not in seen
            seen.add((p, m.slot))
        assert {m.first_id, m.second_id} != {booths[0].id, ha[3].id}
        assert not (ha[0].id in (m.first_id, m.second_id) and m.slot in (0, 1))
    mine = networking.timetable(ha[1], hour)
    assert len(mine["meetings"]) + len(mine["unmet"]) == 2
    assert all(why in networking.UNMET_LABELS for _, why in mine["unmet"])


def test_bad_wishes_and_people_not_taking_part(hour_people):
    hour, ha, booths = hour_people
    with pytest.raises(ValidationError):
        networking.set_wish(ha[0], hour, ha[0].id, "must")
    with pytest.raises(ValidationError):
        networking.set_wish(ha[0], hour, booths[0].id, "maybe")
    outsider = UserFactory(role="ha_staff")
    with pytest.raises(PermissionDenied):
        networking.set_wish(outsider, hour, booths[0].id, "must")
    networking.set_wish(ha[0], hour, booths[0].id, "must")
    networking.set_wish(ha[0], hour, booths[0].id, "like")  # said again: updated, not doubled
    assert networking.problem_of(hour).wishes == {(ha[0].id, booths[0].id): "like"}


def test_locked_meetings_stay_on_a_rerun(organiser, hour_people):
    hour, ha, booths = hour_people
    networking.set_wish(ha[0], hour, booths[0].id, "like")
    networking.set_wish(ha[1], hour, booths[0].id, "must")
    locked = networking.lock(organiser, hour, first_id=ha[0].id, second_id=booths[0].id, slot=2, table=2)
    networking.run(organiser, hour, seconds=5)
    rows = db.session.scalars(sa.select(NetworkingMeeting).order_by(NetworkingMeeting.slot)).all()
    assert (locked.slot, locked.table, locked.locked) == (2, 2, True) and locked in rows and len(rows) == 2
    with pytest.raises(Conflict):
        networking.lock(organiser, hour, first_id=ha[1].id, second_id=booths[1].id, slot=2, table=2)


@pytest.mark.committed
def test_two_organisers_locking_one_table_slot_at_once_one_wins(app, committed, forum, exhibitors):
    organisers = [UserFactory(role="organiser") for _ in range(2)]
    ha = [UserFactory(role="ha_staff") for _ in range(2)]
    booth = UserFactory(role="exhibitor", company_id=exhibitors[0].company_id)
    hour = networking.open_hour(organisers[0], forum, starts_at=utcnow() + timedelta(days=1), slots=2, tables=1)
    hour_id, booth_id = hour.id, booth.id
    jobs = [(o.id, h.id) for o, h in zip(organisers, ha)]
    db.session.commit()
    barrier = threading.Barrier(2)
    won, lost, errors = [], [], []

    def go(organiser_id, ha_id):
        barrier.wait()
        with app.test_request_context(method="POST"):
            try:
                networking.lock(db.session.get(User, organiser_id), db.session.get(NetworkingHour, hour_id),
                                first_id=ha_id, second_id=booth_id, slot=0, table=1)
                db.session.commit()
                won.append(ha_id)
            except Conflict:
                db.session.rollback()
                lost.append(ha_id)
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=go, args=job) for job in jobs]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == [] and len(won) == 1 and len(lost) == 1
    rows = db.session.scalars(sa.select(NetworkingMeeting)).all()
    assert len(rows) == 1 and rows[0].locked


def test_pages_run_the_schedule_and_show_a_timetable_with_its_ics(client, organiser, hour_people):
    from icalendar import Calendar

    hour, ha, booths = hour_people
    networking.set_wish(ha[0], hour, booths[0].id, "must")
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = organiser.get_id()
    forum = hour.forum
    assert client.post(f"/forums/{forum.slug}/networking/{hour.id}/run").status_code == 302
    page = client.get(f"/forums/{forum.slug}/networking").get_data(as_text=True)
    assert "proven bound" in page
    with client.session_transaction() as session:
        session["_user_id"] = ha[0].get_id()
    page = client.get(f"/forums/{forum.slug}/networking/{hour.id}/me").get_data(as_text=True)
    assert "Table 1" in page
    cal = Calendar.from_ical(client.get(f"/forums/{forum.slug}/networking/{hour.id}/me.ics").data)
    assert len(cal.walk("VEVENT")) == 1
    from tests.support.documents import pdf_text

    text = pdf_text(client.get(f"/forums/{forum.slug}/networking/{hour.id}/me.pdf").data)
    assert "交流時段" in text and booths[0].name_zh in text and "Table" in text
    assert client.get(f"/forums/{forum.slug}/networking").status_code == 403
