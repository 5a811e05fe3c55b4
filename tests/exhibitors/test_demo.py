"""The demo: 27 approved park companies with logos, solutions and booths; six stage demos; idempotent."""
import sqlalchemy as sa

from forum.accounts.models import User
from forum.demo import load_demo
from forum.exhibitors import companies
from forum.exhibitors.models import Application, ApplicationStatus, Company, Solution
from forum.extensions import db


def _counts(forum_id):
    rows = db.session.execute(sa.select(Application.status, sa.func.count()).where(
        Application.forum_id == forum_id).group_by(Application.status)).all()
    return {status.value: n for status, n in rows}


def test_demo_exhibitors_and_idempotence():
    summary = load_demo(echo=lambda *_: None)
    forum = summary.forum
    counts = _counts(forum.id)
    assert counts["approved"] == 27 and counts["submitted"] >= 1 and counts["waitlisted"] >= 1
    approved = db.session.scalars(sa.select(Application).where(
        Application.forum_id == forum.id, Application.status == ApplicationStatus.approved)).all()
    assert all(a.booth_code for a in approved) and len({a.booth_code for a in approved}) == 27
    assert sum(a.demo_selected for a in approved) == 6
    assert sum(a.demo_requested for a in approved) > 6
    assert all(1 <= len(a.solutions) <= 3 and a.company.logo_id and a.company.name_zh for a in approved)
    assert len({a.company.sector for a in approved}) >= 5
    themes = {t.key for a in approved for s in a.solutions for t in s.themes}
    assert len(themes) >= 7
    user = db.session.scalar(sa.select(User).where(User.email == "exhibitor@forum.example"))
    assert user.company.name_en == "CareFlow Robotics Limited" and companies.is_company_admin(user, user.company_id)
    assert any(a.company_id == user.company_id for a in approved)
    before = (db.session.scalar(sa.select(sa.func.count()).select_from(Company)),
              db.session.scalar(sa.select(sa.func.count()).select_from(Solution)))
    load_demo(echo=lambda *_: None)
    after = (db.session.scalar(sa.select(sa.func.count()).select_from(Company)),
             db.session.scalar(sa.select(sa.func.count()).select_from(Solution)))
    assert before == after and _counts(forum.id) == counts


def test_demo_scales_with_exhibitors():
    summary = load_demo(exhibitors=40, echo=lambda *_: None)
    assert _counts(summary.forum.id)["approved"] == 40
    assert summary.forum.booth_capacity >= 40
