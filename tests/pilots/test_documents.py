"""Pilot documents: agreements and evaluation reports, checked by content, stored outside static, served
only to those who may see the pilot, listed on the page and in its timeline."""
import io
from pathlib import Path

import sqlalchemy as sa

from forum.exhibitors.models import StoredFile
from forum.extensions import db
from forum.pilots.models import PilotDocument
from tests.exhibitors.conftest import pdf_bytes
from tests.factories import CompanyFactory, UserFactory


def _upload(client, pilot, data: bytes, kind="agreement", name="Pilot agreement.pdf"):
    return client.post(f"/pilots/{pilot.id}/documents", data={"kind": kind, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_team_uploads_an_agreement_listed_on_the_page_and_in_the_timeline(app, client, login_as, make_pilot):
    team = login_as("partnership", name_en="Lee Ka Yan")
    pilot = make_pilot(team, n_sites=1)
    content = pdf_bytes("Signed agreement")
    response = _upload(client, pilot, content)
    assert response.status_code == 302
    (doc,) = db.session.scalars(sa.select(PilotDocument).where(PilotDocument.pilot_id == pilot.id)).all()
    assert doc.kind == "agreement" and doc.file.content_type == "application/pdf"
    stored = Path(app.instance_path) / "uploads" / doc.file.stored_name
    assert stored.read_bytes() == content and "static" not in stored.parts
    assert doc.file.stored_name != "Pilot agreement.pdf"  # a generated name, never the uploader's
    page = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert f"/pilots/{pilot.id}/documents/{doc.id}" in page and "Pilot agreement.pdf" in page
    assert "added the agreement" in page and "Lee Ka Yan" in page
    download = client.get(f"/pilots/{pilot.id}/documents/{doc.id}")
    assert download.status_code == 200 and download.data == content
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_kept(client, login_as, make_pilot):
    team = login_as("partnership")
    pilot = make_pilot(team, n_sites=1)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile))
    response = _upload(client, pilot, b"MZ\x90\x00 not a pdf at all", kind="evaluation", name="report.pdf")
    assert response.status_code == 400 and "This file is not a PDF." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == before
    assert _upload(client, pilot, pdf_bytes(), kind="invoice").status_code == 400


def test_only_those_who_see_the_pilot_get_its_documents(client, login_as, make_pilot):
    team = login_as("partnership")
    pilot = make_pilot(team, n_sites=1)
    assert _upload(client, pilot, pdf_bytes("Evaluation"), kind="evaluation").status_code == 302
    doc = db.session.scalar(sa.select(PilotDocument).where(PilotDocument.pilot_id == pilot.id))
    url = f"/pilots/{pilot.id}/documents/{doc.id}"
    login_as("exhibitor", company_id=pilot.company_id)
    assert client.get(url).status_code == 200  # the pilot's own company
    assert _upload(client, pilot, pdf_bytes()).status_code == 403  # it may read, not upload
    login_as("exhibitor", company_id=CompanyFactory().id)
    assert client.get(url).status_code in (403, 404)
    login_as("ha_staff")  # not the sponsor, not at the pilot's sites
    assert client.get(url).status_code in (403, 404)
    assert client.get(f"/exhibitors/files/{doc.file_id}").status_code == 404  # nor through the company's files
    other = make_pilot(UserFactory(role="partnership"), n_sites=1)
    login_as("partnership")
    assert client.get(f"/pilots/{other.id}/documents/{doc.id}").status_code == 404  # not that pilot's document
