import io
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from forum.exhibitors.models import company_admin
from forum.extensions import db
from forum.forums.models import ForumStatus
from tests.factories import CompanyFactory, ForumFactory, UserFactory


@pytest.fixture
def open_forum():
    return ForumFactory(status=ForumStatus.open_for_exhibitors, booth_capacity=3, staff_per_booth=2,
                        demo_slot_count=2, exhibitor_deadline=datetime.now(timezone.utc) + timedelta(days=5))


@pytest.fixture
def make_company():
    """make_company() -> (company, admin user); admin=False gives a plain member."""

    def _make(admin: bool = True, **fields):
        company = CompanyFactory(contact_email="contact@company.example", **fields)
        user = UserFactory(role="exhibitor", company_id=company.id)
        if admin:
            db.session.execute(company_admin.insert().values(company_id=company.id, user_id=user.id))
        db.session.flush()
        return company, user

    return _make


def png_bytes(size=(40, 30), colour="teal", fmt="PNG", exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, colour)
    kwargs = {"exif": exif} if exif else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def pdf_bytes(text: str = "Brochure") -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


@pytest.fixture(autouse=True)
def _request_context(app):
    # Services translate their messages lazily; outside a request there is no locale to pick.
    with app.test_request_context():
        yield
