"""Uploads are checked by content, re-encoded, stored under generated names and served behind permissions."""
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from forum.errors import ValidationError
from forum.exhibitors import solutions, uploads
from forum.exhibitors.models import StoredFile
from forum.extensions import db
from tests.exhibitors.conftest import pdf_bytes, png_bytes
from tests.factories import ApplicationFactory


def _count_files():
    return db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile))


def _sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()


def test_images_are_re_encoded_without_metadata(make_company, app):
    company, admin = make_company()
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera maker
    data = png_bytes(fmt="JPEG", exif=exif.tobytes()) + b"trailing junk"
    stored = uploads.store(company.id, data, kind="image", original_name="../../etc/passwd.jpg", actor=admin)
    path = uploads.path_of(stored)
    assert path.parent == Path(app.instance_path) / "uploads"
    assert stored.content_type == "image/jpeg" and path.name.endswith(".jpg") and "passwd" not in path.name
    saved = path.read_bytes()
    assert b"SpyCam" not in saved and not saved.endswith(b"trailing junk")
    assert Image.open(io.BytesIO(saved)).size == (40, 30)
    assert stored.original_name == "passwd.jpg"


# Named ids: pytest would spell the bytes out, and the two large files made 20-million-character test ids
# that every worker sent to the controller and every report repeated.
@pytest.mark.parametrize("data,kind,message", [
    (b"<html>not an image</html>", "image", "not a PNG, JPEG or WebP"),
    (png_bytes(fmt="GIF"), "image", "not a PNG, JPEG or WebP"),
    (png_bytes()[:60], "image", "not a PNG, JPEG or WebP"),
    (b"\x00" * (5 * 1024 * 1024 + 1), "image", "at most 5 MB"),
    (b"%PDF-1.7\nthis is not really a pdf", "pdf", "cannot be read"),
    (png_bytes(), "pdf", "not a PDF"),
    (b"%PDF-" + b"0" * (20 * 1024 * 1024), "pdf", "at most 20 MB"),
], ids=["html-as-image", "gif", "cut-png", "image-over-5mb", "broken-pdf", "png-as-pdf", "pdf-over-20mb"])
def test_files_that_are_not_what_they_claim_are_refused_and_nothing_is_stored(make_company, app, data, kind,
                                                                                  message):
    company, admin = make_company()
    before_rows = _count_files()
    before_files = set((Path(app.instance_path) / "uploads").glob("*")) if (
        Path(app.instance_path) / "uploads").exists() else set()
    with pytest.raises(ValidationError) as caught:
        uploads.store(company.id, data, kind=kind, original_name="file.png", actor=admin)
    assert message in caught.value.message
    assert _count_files() == before_rows
    assert set((Path(app.instance_path) / "uploads").glob("*")) == before_files


def test_logo_upload_through_the_profile_form(client, make_company):
    company, admin = make_company()
    _sign_in(client, admin)
    bad = client.post("/exhibitors/company/edit", data={
        "name_en": company.name_en, "name_zh": company.name_zh, "sector": "other", "contact_name": "A",
        "contact_email": "a@b.example", "logo": (io.BytesIO(b"GIF89a not really"), "logo.png")},
        content_type="multipart/form-data")
    assert bad.status_code == 200 and "not a PNG, JPEG or WebP image" in bad.get_data(as_text=True)
    good = client.post("/exhibitors/company/edit", data={
        "name_en": company.name_en, "name_zh": company.name_zh, "sector": "other", "contact_name": "A",
        "contact_email": "a@b.example", "logo": (io.BytesIO(png_bytes()), "logo.png")},
        content_type="multipart/form-data")
    assert good.status_code == 302
    db.session.refresh(company)
    served = client.get(f"/exhibitors/files/{company.logo_id}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("inline")


def test_brochure_is_served_as_an_attachment(client, make_company):
    company, admin = make_company()
    solution = solutions.save_solution(admin, company, None, {"title_en": "Robot", "trl": 5},
                                      brochure=(pdf_bytes(), "brochure.pdf"))
    db.session.commit()
    _sign_in(client, admin)
    response = client.get(f"/exhibitors/files/{solution.brochure_id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment") and "brochure.pdf" in \
        response.headers["Content-Disposition"]


def test_another_company_cannot_see_files_until_the_owner_is_approved(client, make_company, open_forum):
    company, admin = make_company()
    stored = uploads.store(company.id, png_bytes(), kind="image", actor=admin)
    company.logo_id = stored.id
    loose = uploads.store(company.id, png_bytes(colour="red"), kind="image", actor=admin)
    _other, other_admin = make_company()
    db.session.commit()
    _sign_in(client, other_admin)
    assert client.get(f"/exhibitors/files/{stored.id}").status_code == 404
    ApplicationFactory(forum=open_forum, company=company, status="approved")
    db.session.commit()
    # Approved exhibitors' logos are public to signed-in users (the directory shows them); a file that
    # is part of nothing approved stays with the company.
    assert client.get(f"/exhibitors/files/{stored.id}").status_code == 200
    assert client.get(f"/exhibitors/files/{loose.id}").status_code == 404


def test_solution_form_refuses_a_fake_brochure_and_stores_nothing(client, make_company, app):
    company, admin = make_company()
    db.session.commit()
    _sign_in(client, admin)
    before = _count_files()
    folder = Path(app.instance_path) / "uploads"
    files_before = set(folder.glob("*")) if folder.exists() else set()
    response = client.post("/exhibitors/solutions/new", data={
        "title_en": "Robot", "trl": "5", "image": (io.BytesIO(png_bytes()), "photo.png"),
        "brochure": (io.BytesIO(b"MZ\x90\x00 an executable renamed"), "brochure.pdf")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "This file is not a PDF." in html
    assert 'value="Robot"' in html  # what was typed is kept
    assert _count_files() == before and not company.solutions
    assert (set(folder.glob("*")) if folder.exists() else set()) == files_before
    # A good brochure with a bad image: the brochure is not written either.
    response = client.post("/exhibitors/solutions/new", data={
        "title_en": "Robot", "trl": "5", "image": (io.BytesIO(b"not an image"), "photo.png"),
        "brochure": (io.BytesIO(pdf_bytes()), "brochure.pdf")}, content_type="multipart/form-data")
    assert "not a PNG, JPEG or WebP image" in response.get_data(as_text=True)
    assert (set(folder.glob("*")) if folder.exists() else set()) == files_before
    response = client.post("/exhibitors/solutions/new", data={
        "title_en": "Robot", "trl": "5", "image": (io.BytesIO(png_bytes()), "photo.png"),
        "brochure": (io.BytesIO(pdf_bytes()), "brochure.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(company)
    solution = company.solutions[0]
    assert solution.brochure_id and len(solution.images) == 1 and _count_files() == before + 2


def test_only_the_allowed_image_formats_are_ever_decoded(make_company, monkeypatch):
    """Pillow is told the allowed formats before it looks at the bytes: a BMP (or any other of the
    dozens of formats Pillow knows) never reaches its decoder."""
    from PIL import BmpImagePlugin

    def decoder_reached(self):
        raise AssertionError("the BMP decoder was run on an upload")

    monkeypatch.setattr(BmpImagePlugin.BmpImageFile, "_open", decoder_reached)
    company, admin = make_company()
    with pytest.raises(ValidationError) as caught:
        uploads.store(company.id, png_bytes(fmt="BMP"), kind="image", original_name="logo.bmp", actor=admin)
    assert "not a PNG, JPEG or WebP" in caught.value.message


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(make_company, monkeypatch):
    company, admin = make_company()
    buffer = io.BytesIO()
    Image.new("L", (6000, 6000), 255).save(buffer, format="PNG")  # 36 megapixels in a few kilobytes
    assert len(buffer.getvalue()) < 200_000

    def decoded(self, *args, **kwargs):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(Image.Image, "load", decoded)
    monkeypatch.setattr(Image.Image, "verify", decoded, raising=False)
    with pytest.raises(ValidationError) as caught:
        uploads.store(company.id, buffer.getvalue(), kind="image", original_name="big.png", actor=admin)
    assert "too large" in caught.value.message


def test_pinned_pypdf_is_a_current_release_and_installed_as_pinned():
    """pypdf 5.x has known resource-exhaustion flaws (docs/security.md lists the check)."""
    from importlib.metadata import version

    pins = dict(line.split("==") for line in (Path(__file__).parents[2] / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    assert int(pins["pypdf"].split(".")[0]) >= 6
    assert version("pypdf") == pins["pypdf"]
