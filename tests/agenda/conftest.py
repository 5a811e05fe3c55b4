"""A forum with rooms, demo slots, selected demo requests and registered attendees with themes."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.agenda import sessions
from forum.attendees.models import AttendeeStatus
from forum.cli import SystemActor
from forum.exhibitors.models import ApplicationStatus, Theme
from forum.extensions import db
from tests.factories import (ApplicationFactory, AttendeeFactory, CompanyFactory, ForumFactory, SolutionFactory,
                             ThemeFactory)


@pytest.fixture
def demo_forum(app):
    """09:00-13:00; a stage (200) and a side room (40); six 15-minute demo slots from 10:00 in each
    room (the side room's first one closed); five selected demos over two themes; 30 attendees."""
    actor = SystemActor()
    forum = ForumFactory()
    stage = sessions.add_room(actor, forum, "Main stage", "主舞台", capacity=200)
    side = sessions.add_room(actor, forum, "Side room", "側廳", capacity=40)
    sessions.open_demo_slots(actor, forum, stage, forum.starts_at + timedelta(hours=1), 15, 6)
    sessions.open_demo_slots(actor, forum, side, forum.starts_at + timedelta(hours=1, minutes=15), 15, 5)
    care, data = (db.session.scalar(sa.select(Theme).where(Theme.key == k)) or ThemeFactory(key=k)
                  for k in ("clinical_workflow", "data_ai"))
    apps = []
    for i in range(5):
        company = CompanyFactory()
        solution = SolutionFactory(company=company, title_en=f"Demo {i}", title_zh=f"示範{i}")
        solution.themes = [care if i < 3 else data]
        apps.append(ApplicationFactory(forum=forum, company=company, status=ApplicationStatus.approved,
                                       demo_requested=True, demo_selected=True, demo_solution=solution,
                                       demo_presenter=f"Presenter {i}", demo_minutes=10))
    ApplicationFactory(forum=forum, status=ApplicationStatus.approved, demo_requested=True,
                       demo_selected=False)
    for i in range(30):
        AttendeeFactory(forum=forum, status=AttendeeStatus.registered,
                        themes=["clinical_workflow"] if i < 20 else ["clinical_workflow", "data_ai"])
    return {"forum": forum, "stage": stage, "side": side, "apps": apps, "actor": actor}
