from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from forum.extensions import db


def test_models_and_migrations_agree(app):
    """The tables the migrations build are the tables the models describe."""
    from forum.db import for_dialect

    connection = db.session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                           "include_object": for_dialect(connection.dialect.name)})
    diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_reference_sites_are_loaded_by_the_migration(app):
    import sqlalchemy as sa

    from forum.sites.models import Cluster, Site

    clusters = db.session.scalars(sa.select(Cluster.code)).all()
    assert sorted(clusters) == ["HKE", "HKW", "KC", "KE", "KW", "NTE", "NTW"]
    kinds = dict(db.session.execute(sa.select(Site.kind, sa.func.count()).group_by(Site.kind)).all())
    assert kinds["hospital"] + kinds["institution"] >= 40
    labs = db.session.scalars(sa.select(Site.name_en).where(Site.kind == "lab")).all()
    assert "HA Innovation and Technology Lab" in labs
    assert any("Data" in name for name in labs)
    qmh = db.session.scalar(sa.select(Site).where(Site.name_en == "Queen Mary Hospital"))
    assert qmh.name_zh == "瑪麗醫院" and qmh.cluster.code == "HKW"


def test_upgrading_a_database_that_holds_data_keeps_every_row(tmp_path):
    """A batch migration rebuilds a SQLite table (copy, drop, rename); with foreign keys on, the drop of
    `forum` cascaded and deleted every attendee. Upgrade a filled database from 0004 to the head."""
    import os

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from tests.support.databases import make_test_app, throwaway_postgres

    wanted = os.environ.get("TEST_DATABASE_URL", "")
    url, drop = (throwaway_postgres(wanted) if wanted.startswith("postgresql")
                 else (f"sqlite:///{tmp_path / 'old.db'}", None))
    previous = os.environ.get("FORUM_INSTANCE_PATH")
    other = make_test_app(url, tmp_path / "instance")
    try:
        with other.app_context():
            upgrade(revision="0004_checkin")
            t = "2026-12-01 01:00:00+00:00"
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO forum (slug, title_en, title_zh, description_en, description_zh, venue_en, venue_zh,"
                    " starts_at, ends_at, status, attendee_capacity, booth_capacity, staff_per_booth, demo_slot_count,"
                    " created_at, updated_at) VALUES ('old', 'Old', '舊', '', '', '', '', :t, :e, 'draft', 0, 0, 0, 0,"
                    " :t, :t)"), {"t": t, "e": "2026-12-01 09:00:00+00:00"})
                forum_id = conn.execute(sa.text("SELECT id FROM forum WHERE slug = 'old'")).scalar()
                conn.execute(sa.text(
                    "INSERT INTO attendee (forum_id, kind, status, name_en, name_zh, email, email_key, title,"
                    " department, organisation, access_needs, dietary_needs, share_contact, themes, created_at,"
                    " updated_at) VALUES (:f, 'ha', 'registered', 'Dr Chan', '陳醫生', 'chan@ha.example',"
                    " 'chan@ha.example', '', '', '', '', '', false, '[]', :t, :t)"), {"f": forum_id, "t": t})
            upgrade()
            with db.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM forum")).scalar() == 1
                assert conn.execute(sa.text("SELECT name_zh FROM attendee")).scalars().all() == ["陳醫生"]
                if conn.dialect.name == "sqlite":  # and the connection goes back to the pool with its checks on
                    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            db.engine.dispose()
    finally:
        if previous is not None:
            os.environ["FORUM_INSTANCE_PATH"] = previous
        if drop:
            drop()
