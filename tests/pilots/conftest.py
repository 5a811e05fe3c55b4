import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.sites.models import Site


@pytest.fixture(autouse=True)
def _request_context(app):
    """Domain errors carry lazy translated messages; they need a request to pick the language."""
    with app.test_request_context():
        yield


def sites(n: int = 3, kind: str | None = None) -> list[Site]:
    stmt = sa.select(Site).order_by(Site.id).limit(n)
    if kind:
        stmt = stmt.where(Site.kind == kind)
    return db.session.scalars(stmt).all()


@pytest.fixture
def make_pilot():
    """make_pilot(actor, sites=3) -> a Proposed pilot of a new company's solution at `sites` sites."""
    from forum.pilots.services import create_pilot
    from tests.factories import ForumFactory, SolutionFactory

    def _make(actor, n_sites: int = 3, forum=None, **data):
        solution = data.pop("solution", None) or SolutionFactory()
        forum = forum or ForumFactory()
        values = {"company_id": solution.company_id, "solution_id": solution.id,
                  "sites": [s.id for s in sites(n_sites)], "forums": [forum.id], **data}
        return create_pilot(actor, values)

    return _make


def walk(actor, pilot, *stages, **kw):
    """Move a pilot through stages, each from the version it has now."""
    from forum.pilots.stages import move

    for stage in stages:
        move(actor, pilot, stage, read_version=pilot.version, **kw)
    return pilot
