"""One theme list: attendees' interests and solutions' themes are rows of the organisers' Theme table."""
import json
import os
import re

import sqlalchemy as sa
from flask_migrate import upgrade

from forum.attendees import services
from forum.attendees.models import Attendee, AttendeeTheme
from forum.exhibitors.models import Theme
from forum.exhibitors.services import save_theme
from forum.extensions import db
from tests.factories import AttendeeFactory



def test_a_theme_added_by_organisers_reaches_the_registration_form(client, organiser, forum, outbox):
    theme = save_theme(organiser, None, name_en="Ward bed turnover", name_zh="病床周轉")
    db.session.commit()
    attendee = AttendeeFactory(forum=forum)
    services.send_invitation(organiser, attendee)
    db.session.commit()
    body = outbox()[-1].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/rsvp/[\w-]+)", body).group(1)
    html = client.get(link).get_data(as_text=True)
    assert f'value="{theme.key}"' in html and "Ward bed turnover" in html
    client.post(link, data={"answer": "register", "themes": [theme.key, "data_ai"]})
    db.session.refresh(attendee)
    assert attendee.themes == [theme.key, "data_ai"]
    assert [t.name_en for t in attendee.interests] == ["Ward bed turnover", "Data and AI"]
    # A retired theme is no longer offered, and a stale form cannot pick it.
    save_theme(organiser, theme, name_en=theme.name_en, name_zh=theme.name_zh, active=False)
    db.session.commit()
    assert f'value="{theme.key}"' not in client.get(link).get_data(as_text=True)
    client.post(link, data={"answer": "register", "themes": [theme.key, "resilience"]})
    db.session.refresh(attendee)
    assert attendee.themes == ["resilience"]


def test_themes_are_rows_shared_with_solutions(forum):
    attendee = AttendeeFactory(forum=forum, themes=["infection_control", "bogus", "data_ai", "data_ai"])
    db.session.flush()
    assert attendee.themes == ["infection_control", "data_ai"]
    links = db.session.scalars(sa.select(AttendeeTheme).where(AttendeeTheme.attendee_id == attendee.id)).all()
    assert {link.theme.key for link in links} == {"infection_control", "data_ai"}
    attendee.themes = ["data_ai"]  # keeps the existing row, drops the other
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendeeTheme).where(
        AttendeeTheme.attendee_id == attendee.id)) == 1


def test_the_migration_carries_existing_attendee_themes_over(tmp_path):
    """Upgrade a database at 0004 holding attendees with the old JSON list; their keys become Theme rows."""
    from tests.support.databases import make_test_app, throwaway_postgres

    wanted = os.environ.get("TEST_DATABASE_URL", "")
    drop = None
    if wanted.startswith("postgresql"):
        url, drop = throwaway_postgres(wanted)
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    previous = os.environ.get("FORUM_INSTANCE_PATH")
    other = make_test_app(url, tmp_path / "instance")
    try:
        with other.app_context():
            upgrade(revision="0004_checkin")
            with db.engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO forum (slug, title_en, title_zh, description_en, description_zh, "
                                     "venue_en, venue_zh, starts_at, ends_at, status, attendee_capacity, "
                                     "booth_capacity, staff_per_booth, demo_slot_count, created_at, updated_at) "
                                     "VALUES ('old', 'Old', '舊', '', '', '', '', :t, :e, 'draft', 0, 0, 0, 0, :t, :t)"),
                             {"t": "2026-12-01 01:00:00+00:00", "e": "2026-12-01 05:00:00+00:00"})
                forum_id = conn.execute(sa.text("SELECT id FROM forum WHERE slug = 'old'")).scalar()
                for i, keys in enumerate((["data_ai", "infection_control"], ["gone_theme", "resilience"], [])):
                    conn.execute(sa.text(
                        "INSERT INTO attendee (forum_id, kind, status, name_en, name_zh, email, email_key, title, "
                        "department, organisation, access_needs, dietary_needs, share_contact, themes, created_at, "
                        "updated_at) VALUES (:f, 'ha', 'registered', :n, '', :e, :e, '', '', '', '', '', false, "
                        ":themes, :t, :t)"),
                        {"f": forum_id, "n": f"P{i}", "e": f"p{i}@ha.example", "themes": json.dumps(keys),
                         "t": "2026-12-01 01:00:00+00:00"})
            upgrade()
            with db.engine.connect() as conn:
                rows = conn.execute(sa.text(
                    "SELECT a.name_en, t.key FROM attendee_theme at JOIN attendee a ON a.id = at.attendee_id "
                    "JOIN theme t ON t.id = at.theme_id ORDER BY a.name_en, at.position")).all()
            assert [tuple(r) for r in rows] == [("P0", "data_ai"), ("P0", "infection_control"), ("P1", "resilience")]
            db.engine.dispose()
    finally:
        if previous is not None:
            os.environ["FORUM_INSTANCE_PATH"] = previous
        if drop:
            drop()
