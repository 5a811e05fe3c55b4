"""`flask datalab ...` and the demo lab."""
from datetime import datetime, timedelta

import sqlalchemy as sa

from forum.datalab import bookings
from forum.datalab.models import (Booking, CommitteeMember, LabApplication, LabApplicationStatus, LabStaff,
                                  Workstation)
from forum.db import HK
from forum.extensions import db
from tests.support.datalab import APPROVAL_DAY, day
from tests.factories import UserFactory


def test_staff_and_committee_members_are_named_from_the_command_line(runner):
    user = UserFactory(role="ha_staff", email="officer@lab.example")
    assert runner.invoke(args=["datalab", "staff", "officer@lab.example"]).exit_code == 0
    result = runner.invoke(args=["datalab", "member", "ethics", "officer@lab.example", "--chair"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(LabStaff).where(LabStaff.user_id == user.id))
    assert db.session.scalar(sa.select(CommitteeMember.is_chair).where(CommitteeMember.user_id == user.id))
    assert runner.invoke(args=["datalab", "staff", "nobody@lab.example"]).exit_code != 0


def test_no_shows_command(runner, datalab, company, approved):
    _company, applicant, _colleague = company
    booking = bookings.book(applicant, approved, applicant.id, datalab.stations[0].id, day(1), "am",
                            now=APPROVAL_DAY)
    result = runner.invoke(args=["datalab", "no-shows"])
    assert result.exit_code == 0, result.output
    db.session.refresh(booking)
    # by the real clock 1 Dec 2026 may still lie ahead; either way the command judged it with the same rule
    started = datetime(2026, 12, 1, 10, 0, tzinfo=HK) <= datetime.now(HK)
    assert (booking.release_reason == "no_show") == started


def test_holidays_command(runner, tmp_path):
    from datetime import date

    from forum.datalab.lab import is_open_day

    csv = tmp_path / "h.csv"
    csv.write_text("date,name_en,name_zh\n2028-02-01,Test,測試\n", encoding="utf-8")
    assert runner.invoke(args=["datalab", "holidays", str(csv)]).exit_code == 0
    assert not is_open_day(date(2028, 2, 1))
    csv.write_text("date,name_en,name_zh\nnot a date,x,y\n", encoding="utf-8")
    result = runner.invoke(args=["datalab", "holidays", str(csv)])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


def test_holiday_list_with_chinese_headers_in_full_width_punctuation(app):
    from datetime import date

    from forum.datalab.lab import is_open_day, load_holidays
    from forum.datalab.models import LabDay

    assert load_holidays("日期：,名稱（英文）,中文名稱\u3000\n2028-03-01,Test holiday,測試假期\n\n") == 1
    assert not is_open_day(date(2028, 3, 1))
    day = db.session.scalar(sa.select(LabDay).where(LabDay.day == date(2028, 3, 1)))
    assert (day.name_en, day.name_zh) == ("Test holiday", "測試假期")

def test_demo_lab_has_every_state_a_no_show_and_a_month_of_entries(runner):
    assert runner.invoke(args=["forum", "demo"]).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Workstation)) == 8
    states = set(db.session.scalars(sa.select(LabApplication.status)))
    assert states == set(LabApplicationStatus)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(
        Booking.release_reason == "no_show")) == 1
    entered = db.session.scalars(sa.select(Booking.day).where(Booking.entered_at.is_not(None))).all()
    assert len(entered) >= 10 and max(entered) - min(entered) >= timedelta(days=14)
