"""check_in() and friends, without HTTP."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.attendees.models import AttendeeStatus
from forum.attendees.tickets import code_for, issue_ticket
from forum.audit.models import AuditEvent
from forum.checkin import arrivals, points, search, services
from forum.checkin.models import CheckIn
from forum.db import HK, utcnow
from forum.errors import PermissionDenied, ValidationError
from forum.extensions import db
from tests.factories import (AttendeeFactory, CheckInPointFactory, ForumFactory, TicketFactory, UserFactory)


@pytest.fixture
def setting():
    forum = ForumFactory()
    gate = CheckInPointFactory(forum_id=forum.id, key="main-entrance", position=1)
    theatre = CheckInPointFactory(forum_id=forum.id, key="demo-theatre", position=2)
    scanner = UserFactory(role="scanner")
    return forum, gate, theatre, scanner


def scan(code, **kw):
    return services.Scan(code=code, **kw)


def test_first_scan_is_ok_then_already_checked_in_with_first_time_and_point(setting):
    forum, gate, theatre, scanner = setting
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum, name_en="Dr Chan Tai Man", name_zh="陳大文",
                                                    organisation="Queen Mary Hospital", access_needs="Wheelchair"))
    forum.door_shows_access_needs = True  # the organiser shows access needs at the door
    first_time = (utcnow() - timedelta(minutes=10)).astimezone(HK).replace(microsecond=0)
    expected = first_time.isoformat()
    answer = services.check_in(scanner, forum, scan(code_for(ticket), point="main-entrance", scanned_at=first_time))
    assert answer["result"] == "ok"
    assert answer["attendee"]["name_en"] == "Dr Chan Tai Man" and answer["attendee"]["name_zh"] == "陳大文"
    assert answer["attendee"]["organisation"] == "Queen Mary Hospital"
    assert answer["attendee"]["access_needs"] == "Wheelchair"
    assert answer["checked_in_at"] == expected and expected.endswith("+08:00") and answer["point"] == "main-entrance"

    again = services.check_in(scanner, forum, scan(code_for(ticket), point="demo-theatre"))
    assert again["result"] == "already_checked_in"
    assert again["checked_in_at"] == expected and again["point"] == "main-entrance"
    rows = db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id)).all()
    assert [(r.result.value, r.first_entry, r.point_id) for r in rows] == [
        ("ok", True, gate.id), ("already_checked_in", False, theatre.id)]
    assert rows[0].scanner_id == scanner.id and rows[0].received_at >= rows[0].scanned_at


def test_default_point_is_the_first_open_one(setting):
    forum, gate, theatre, scanner = setting
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    assert services.check_in(scanner, forum, scan(code_for(ticket)))["point"] == "main-entrance"


def test_unknown_point_is_a_validation_error(setting):
    forum, _g, _t, scanner = setting
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    with pytest.raises(ValidationError):
        services.check_in(scanner, forum, scan(code_for(ticket), point="roof"))


@pytest.mark.parametrize("mangle", [
    lambda c: c[:-1],                        # truncated
    lambda c: c[:-2] + ("AB" if c[-2:] != "AB" else "CD"),  # forged tag
    lambda c: "HKF1" + "A" * 32,             # made up
    lambda c: "",                            # empty after strip is refused by parse; here: garbage
    lambda c: "https://example.org/" + c,
])
def test_forged_and_truncated_codes_are_invalid_and_reveal_nothing(setting, mangle):
    forum, _g, _t, scanner = setting
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    code = mangle(code_for(ticket)) or "nonsense"
    answer = services.check_in(scanner, forum, scan(code))
    assert answer == {"result": "invalid", "attendee": None, "checked_in_at": None, "point": None}


def test_reissued_code_is_revoked_and_new_one_works(setting):
    forum, _g, _t, scanner = setting
    attendee = AttendeeFactory(forum=forum)
    old = issue_ticket(attendee)
    old_code = code_for(old)
    new = issue_ticket(attendee)
    assert services.check_in(scanner, forum, scan(old_code))["result"] == "revoked"
    assert services.check_in(scanner, forum, scan(code_for(new)))["result"] == "ok"


def test_cancelled_attendee_is_revoked(setting):
    forum, _g, _t, scanner = setting
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum, status=AttendeeStatus.cancelled))
    assert services.check_in(scanner, forum, scan(code_for(ticket)))["result"] == "revoked"


def test_ticket_of_another_forum_is_wrong_forum_without_details(setting):
    forum, _g, _t, scanner = setting
    other = TicketFactory(attendee=AttendeeFactory(forum=ForumFactory()))
    answer = services.check_in(scanner, forum, scan(code_for(other)))
    assert answer["result"] == "wrong_forum" and answer["attendee"] is None


def test_repeated_nonce_returns_first_answer_and_records_nothing(setting):
    forum, _g, _t, scanner = setting
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    first = services.check_in(scanner, forum, scan(code_for(ticket), nonce="device1-0001"))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn))
    again = services.check_in(scanner, forum, scan(code_for(ticket), nonce="device1-0001"))
    assert first["result"] == "ok" and again == first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == count
    # a different nonce is a new scan
    assert services.check_in(scanner, forum, scan(code_for(ticket), nonce="device1-0002"))["result"] == \
        "already_checked_in"


def test_only_scanners_organisers_and_admins_check_in(setting):
    forum, _g, _t, _s = setting
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    for role in ("exhibitor", "ha_staff", "partnership"):
        with pytest.raises(PermissionDenied):
            services.check_in(UserFactory(role=role), forum, scan(code_for(ticket)))
    assert services.check_in(UserFactory(role="organiser"), forum, scan(code_for(ticket)))["result"] == "ok"


def test_annulled_first_entry_lets_the_next_scan_be_first_and_is_audited(setting):
    forum, _g, _t, scanner = setting
    organiser = UserFactory(role="organiser")
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    services.check_in(scanner, forum, scan(code_for(ticket)))
    row = db.session.scalar(sa.select(CheckIn).where(CheckIn.first_entry.is_(True)))
    with pytest.raises(PermissionDenied):
        services.annul_check_in(scanner, row, "wrong person")
    with pytest.raises(ValidationError):
        services.annul_check_in(organiser, row, "  ")
    services.annul_check_in(organiser, row, "Scanned the colleague's ticket by mistake")
    assert arrivals.stats(forum)["checked_in"] == 0
    assert services.check_in(scanner, forum, scan(code_for(ticket)))["result"] == "ok"
    assert arrivals.stats(forum)["checked_in"] == 1
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "checkin.annul"))
    assert event.actor_id == organiser.id and event.changes["reason"].startswith("Scanned")


def test_device_clock_in_the_future_is_not_believed(setting):
    forum, _g, _t, scanner = setting
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    services.check_in(scanner, forum, scan(code_for(ticket), scanned_at=utcnow() + timedelta(days=2)))
    row = db.session.scalar(sa.select(CheckIn))
    assert row.scanned_at <= utcnow()


def test_stats_and_by_point(setting):
    forum, gate, theatre, scanner = setting
    tickets = [TicketFactory(attendee=AttendeeFactory(forum=forum, status=AttendeeStatus.registered))
               for _ in range(3)]
    AttendeeFactory(forum=forum, status=AttendeeStatus.invited)
    AttendeeFactory(forum=forum, status=AttendeeStatus.cancelled)
    services.check_in(scanner, forum, scan(code_for(tickets[0]), point="main-entrance"))
    services.check_in(scanner, forum, scan(code_for(tickets[1]), point="main-entrance"))
    services.check_in(scanner, forum, scan(code_for(tickets[0]), point="demo-theatre"))
    services.check_in(scanner, forum, scan(code_for(tickets[0]), point="demo-theatre"))
    services.check_in(scanner, forum, scan("HKF1nonsense"))
    assert arrivals.stats(forum) == {"invited": 4, "registered": 3, "checked_in": 2,
                                     "by_point": {"main-entrance": 2, "demo-theatre": 1}}


def test_parse_scan_refuses_malformed_input():
    for bad in [[], {"code": 5}, {"code": ""}, {"code": "x", "point": True}, {"code": "x", "nonce": "short"},
                {"code": "x", "scanned_at": "yesterday"}, {"code": "x", "scanned_at": 12}]:
        with pytest.raises(ValidationError):
            services.parse_scan(bad)
    parsed = services.parse_scan({"code": " HKF1X ", "scanned_at": "2026-12-08T09:00:00"})
    assert parsed.code == "HKF1X" and parsed.scanned_at.utcoffset() == timedelta(hours=8)


def test_search_by_english_or_chinese_name_finds_the_person_without_their_code(setting):
    from forum.forums.models import ForumStatus

    forum, _g, _t, scanner = setting
    forum.status = ForumStatus.live
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum, name_en="Dr Wong Siu Ming", name_zh="黃小明"))
    AttendeeFactory(forum=ForumFactory(), name_en="Dr Wong Elsewhere")
    for query in ("wong siu", "小明", "WONG"):
        found = search.search_attendees(scanner, forum, query)
        assert [a["name_en"] for a in found] == ["Dr Wong Siu Ming"], query
        assert found[0]["has_ticket"] is True and code_for(ticket) not in str(found)
    assert search.search_attendees(scanner, forum, "nobody") == []


def test_add_point_makes_unique_keys_and_records_audit(setting):
    forum, _g, _t, _s = setting
    organiser = UserFactory(role="organiser")
    a = points.add_point(organiser, forum, "Side door", "側門")
    b = points.add_point(organiser, forum, "Side door", "")
    c = points.add_point(organiser, forum, "", "數據實驗室")
    assert (a.key, b.key, c.key) == ("side-door", "side-door-2", "point")
    with pytest.raises(ValidationError):
        points.add_point(organiser, forum, "", "")
    with pytest.raises(PermissionDenied):
        points.add_point(UserFactory(role="scanner"), forum, "Roof", "")
