import pytest


@pytest.fixture(autouse=True)
def _request_context(app):
    """Domain errors carry lazy translated messages; they need a request to pick the language."""
    with app.test_request_context():
        yield


@pytest.fixture
def organiser():
    from tests.factories import UserFactory

    return UserFactory(role="organiser")


@pytest.fixture
def forum():
    from tests.factories import ForumFactory

    return ForumFactory()


@pytest.fixture
def exhibitors(forum):
    """Two approved exhibitors at booths A01/A02 with a solution each, and a draft one."""
    from forum.exhibitors.models import ApplicationStatus, Theme
    from forum.extensions import db
    from tests.factories import ApplicationFactory, SolutionFactory
    import sqlalchemy as sa

    themes = {t.key: t for t in db.session.scalars(sa.select(Theme))}
    out = []
    for booth, title_en, title_zh, keys in (
            ("A01", "Bed turnover board", "病床周轉看板", ["clinical_workflow", "data_ai"]),
            ("A02", "Antimicrobial coating", "抗菌塗層", ["infection_control"])):
        application = ApplicationFactory(forum=forum, status=ApplicationStatus.approved, booth_code=booth)
        application.solutions = [SolutionFactory(company=application.company, title_en=title_en, title_zh=title_zh,
                                                 themes=[themes[k] for k in keys])]
        out.append(application)
    draft = ApplicationFactory(forum=forum, status=ApplicationStatus.submitted)
    draft.solutions = [SolutionFactory(company=draft.company, title_en="Not yet approved")]
    out.append(draft)
    db.session.flush()
    return out
