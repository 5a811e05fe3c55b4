"""factory_boy factories bound to the test session (rows are flushed, never committed by the factory)."""
from __future__ import annotations

from datetime import datetime, timedelta

import factory

from forum.accounts.models import User
from forum.db import HK
from forum.exhibitors.models import Company
from forum.extensions import db
from forum.forums.models import Forum, ForumStatus
from forum.text import normalise

PASSWORD = "correct horse battery"


class Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # Post-generation hooks (like setting a password) change the row after its first flush.
        if create:
            db.session.flush()


class CompanyFactory(Base):
    class Meta:
        model = Company

    name_en = factory.Sequence(lambda n: f"Park Company {n} Limited")
    name_zh = factory.Sequence(lambda n: f"園區公司{n}有限公司")
    name_key = factory.LazyAttribute(lambda o: normalise(o.name_en))


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name_en = factory.Sequence(lambda n: f"Person {n}")
    name_zh = factory.Sequence(lambda n: f"測試{n}")
    role = "ha_staff"
    session_version = 1
    active = True

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)


class ForumFactory(Base):
    class Meta:
        model = Forum

    slug = factory.Sequence(lambda n: f"forum-{n}")
    title_en = factory.Sequence(lambda n: f"Innovation Forum {n}")
    title_zh = factory.Sequence(lambda n: f"創新論壇{n}")
    venue_en = "HA Building"
    venue_zh = "醫院管理局大樓"
    starts_at = factory.LazyFunction(lambda: datetime(2026, 12, 8, 9, 0, tzinfo=HK))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=4))
    status = ForumStatus.open_for_registration


# --- exhibitors ---
from forum.exhibitors.models import Application, ApplicationStatus, Solution, Theme  # noqa: E402


class ThemeFactory(Base):
    class Meta:
        model = Theme

    key = factory.Sequence(lambda n: f"test_theme_{n}")
    name_en = factory.Sequence(lambda n: f"Test theme {n}")
    name_zh = factory.Sequence(lambda n: f"測試主題{n}")
    position = factory.Sequence(lambda n: 100 + n)


class SolutionFactory(Base):
    class Meta:
        model = Solution

    company = factory.SubFactory(CompanyFactory)
    title_en = factory.Sequence(lambda n: f"Solution {n}")
    title_zh = factory.Sequence(lambda n: f"方案{n}")
    summary_en = "Helps nurses on the ward."
    summary_zh = "協助病房護士。"
    trl = 6

    @factory.post_generation
    def search(obj, create, extracted, **kwargs):
        from forum.exhibitors.solutions import refresh_solution_search

        refresh_solution_search(obj)


class ApplicationFactory(Base):
    class Meta:
        model = Application

    forum = factory.SubFactory(ForumFactory)
    company = factory.SubFactory(CompanyFactory)
    status = ApplicationStatus.submitted
    submitted_at = factory.LazyFunction(lambda: datetime.now(HK))
# --- attendees ---
from forum.attendees.models import Attendee, AttendeeKind, AttendeeStatus  # noqa: E402


class AttendeeFactory(Base):
    class Meta:
        model = Attendee

    forum = factory.SubFactory(ForumFactory)
    kind = AttendeeKind.ha
    status = AttendeeStatus.invited
    name_en = factory.Sequence(lambda n: f"CHAN Tai Man {n}")
    name_zh = factory.Sequence(lambda n: f"陳大文{n}")
    email = factory.Sequence(lambda n: f"attendee{n}@ha.example.org.hk")
    email_key = factory.LazyAttribute(lambda o: o.email)
    title = "Chief Manager"
    department = "Nursing Services"
    organisation = "Queen Mary Hospital"
    themes = factory.LazyFunction(list)
    access_needs = ""
    dietary_needs = ""
    share_contact = False


# --- checkin ---
import secrets as _secrets  # noqa: E402

from forum.attendees.models import Ticket  # noqa: E402
from forum.checkin.models import CheckInPoint  # noqa: E402


class TicketFactory(Base):
    class Meta:
        model = Ticket

    attendee = factory.SubFactory(AttendeeFactory)
    forum_id = factory.LazyAttribute(lambda o: o.attendee.forum_id)
    key = factory.LazyFunction(lambda: _secrets.token_bytes(10))


class CheckInPointFactory(Base):
    class Meta:
        model = CheckInPoint

    forum_id = factory.LazyFunction(lambda: ForumFactory().id)
    key = factory.Sequence(lambda n: f"point-{n}")
    name_en = factory.Sequence(lambda n: f"Door {n}")
    name_zh = factory.Sequence(lambda n: f"門{n}")
    position = factory.Sequence(lambda n: n)
