"""Wallet passes: signed with a throwaway certificate made here; the manifest and the PKCS#7 signature are checked."""
import hashlib
import io
import json
import subprocess
import zipfile

import pytest

from forum.attendees.models import AttendeeStatus
from forum.attendees.tickets import code_for
from forum.communications import wallet
from forum.errors import PermissionDenied, ValidationError
from forum.extensions import db
from tests.factories import AttendeeFactory, TicketFactory, UserFactory


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A throwaway 'WWDR' authority and a pass certificate it signed, as Keychain would export it (.p12)."""
    d = tmp_path_factory.mktemp("wallet-certs")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=Test WWDR", cwd=d)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "pass.key", "-out", "pass.csr",
             "-subj", "/UID=pass.org.hkstp.test/CN=Pass Type ID: pass.org.hkstp.test", cwd=d)
    _openssl("x509", "-req", "-in", "pass.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "pass.pem", "-days", "2", cwd=d)
    _openssl("pkcs12", "-export", "-inkey", "pass.key", "-in", "pass.pem", "-out", "pass.p12",
             "-passout", "pass:secret words", cwd=d)
    _openssl("x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.cer", cwd=d)
    return d


def _configure(certificates, admin, **overrides):
    values = {"p12": (certificates / "pass.p12").read_bytes(), "password": "secret words",
              "wwdr": (certificates / "ca.cer").read_bytes(), "pass_type_id": "pass.org.hkstp.test",
              "team_id": "ABCDE12345", "organisation": "HKSTP"}
    return wallet.configure(admin, **{**values, **overrides})


def test_the_pass_carries_the_ticket_and_a_valid_signature(certificates, tmp_path):
    admin = UserFactory(role="admin")
    row = _configure(certificates, admin)
    assert "PRIVATE KEY" in row.key_pem and "ENCRYPTED" in row.key_pem  # never stored in the clear
    attendee = AttendeeFactory(status=AttendeeStatus.registered, name_en="CHAN Tai Man", name_zh="陳大文")
    ticket = TicketFactory(attendee=attendee)
    data = wallet.build_pass(attendee, ticket, code_for(ticket))

    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    names = set(archive.namelist()) - {"manifest.json", "signature"}
    assert set(manifest) == names
    for name in names:
        assert manifest[name] == hashlib.sha1(archive.read(name)).hexdigest()
    card = json.loads(archive.read("pass.json"))
    assert card["barcodes"][0]["message"] == code_for(ticket)
    assert card["passTypeIdentifier"] == "pass.org.hkstp.test" and card["teamIdentifier"] == "ABCDE12345"
    assert "CHAN Tai Man\n陳大文" == card["eventTicket"]["secondaryFields"][0]["value"]
    assert attendee.forum.title_zh in card["eventTicket"]["primaryFields"][0]["value"]
    assert attendee.email not in json.dumps(card, ensure_ascii=False) and "email" not in card["serialNumber"]

    (tmp_path / "manifest.json").write_bytes(archive.read("manifest.json"))
    (tmp_path / "signature").write_bytes(archive.read("signature"))
    verified = subprocess.run(["openssl", "smime", "-verify", "-binary", "-inform", "DER", "-in", "signature",
                               "-content", "manifest.json", "-CAfile", str(certificates / "ca.pem"),
                               "-purpose", "any", "-out", "/dev/null"], cwd=tmp_path, capture_output=True)
    assert verified.returncode == 0, verified.stderr
    (tmp_path / "manifest.json").write_bytes(b"{}")  # and the signature is over exactly that manifest
    tampered = subprocess.run(["openssl", "smime", "-verify", "-binary", "-inform", "DER", "-in", "signature",
                               "-content", "manifest.json", "-CAfile", str(certificates / "ca.pem"),
                               "-purpose", "any", "-out", "/dev/null"], cwd=tmp_path, capture_output=True)
    assert tampered.returncode != 0


def test_a_wrong_password_or_identifier_is_refused_in_words(certificates):
    admin = UserFactory(role="admin")
    with pytest.raises(ValidationError) as refused:
        _configure(certificates, admin, password="wrong")
    assert refused.value.fields.get("certificate")
    with pytest.raises(ValidationError):
        _configure(certificates, admin, team_id="abc")
    assert not wallet.is_configured()


def test_only_administrators_upload_the_certificate(certificates):
    with pytest.raises(PermissionDenied):
        _configure(certificates, UserFactory(role="organiser"))


def test_the_button_and_download_hide_until_configured(certificates, client):
    from forum.attendees.invitations import new_link_token

    attendee = AttendeeFactory(status=AttendeeStatus.registered)
    TicketFactory(attendee=attendee)
    token = new_link_token(attendee)
    db.session.commit()
    page = client.get(f"/rsvp/{token}/ticket")
    assert page.status_code == 200 and b"Add to Apple Wallet" not in page.data
    assert client.get(f"/rsvp/{token}/wallet.pkpass").status_code == 404

    _configure(certificates, UserFactory(role="admin"))
    db.session.commit()
    assert b"add-to-wallet" in client.get(f"/rsvp/{token}/ticket").data
    download = client.get(f"/rsvp/{token}/wallet.pkpass")
    assert download.status_code == 200 and download.mimetype == "application/vnd.apple.pkpass"
    assert client.get("/rsvp/not-a-token/wallet.pkpass").status_code == 404


def test_the_ticket_mail_offers_the_pass_only_once_configured(certificates, outbox):
    from forum.attendees.services import queue_ticket_mail

    attendee = AttendeeFactory(status=AttendeeStatus.registered)
    ticket = TicketFactory(attendee=attendee)
    queue_ticket_mail(attendee, ticket)
    db.session.commit()
    assert "wallet.pkpass" not in outbox()[-1].get_body(("plain",)).get_content()
    _configure(certificates, UserFactory(role="admin"))
    queue_ticket_mail(attendee, ticket)
    db.session.commit()
    assert "/wallet.pkpass" in outbox()[-1].get_body(("plain",)).get_content()
