from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from forum.extensions import db


def test_models_and_migrations_agree(app):
    """The tables the migrations build are the tables the models describe."""
    context = MigrationContext.configure(db.session.connection(), opts={"compare_type": False})
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
