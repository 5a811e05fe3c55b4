"""Apple Wallet passes for tickets: pass.json, images, manifest and a detached PKCS#7 signature.

No PyPI pass library is kept up to date (wallet-py3k: last release 2018; applepassgenerator: 0.0.x;
py-pkpass needs the `cryptography` package, which this app does not otherwise install), and a pass is
a small zip: the archive is built here with zipfile and signed with the system's `openssl smime`,
the tool Apple's own documentation uses. The private key is stored encrypted (AES-256) with a key
derived from SECRET_KEY; the passphrase reaches openssl through the environment, never argv.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..errors import ValidationError
from ..extensions import db
from ..i18n import hk_datetime
from ..keys import key_for
from ..permissions import ensure
from .models import WalletSettings

OPENSSL = "openssl"


def _run(args: list[str], *, secrets: dict[str, str] | None = None, data: bytes | None = None) -> bytes:
    # Only the passphrases in the environment: with no PATH given, openssl is looked up in /bin:/usr/bin.
    result = subprocess.run([OPENSSL, *args], input=data, capture_output=True, env=dict(secrets or {}), timeout=30)
    if result.returncode != 0:
        raise ValidationError(_l("The certificate could not be read: check the file and its password."),
                              field="certificate")
    return result.stdout


def _key_passphrase() -> str:
    return key_for("wallet-private-key").hex()


def settings() -> WalletSettings | None:
    return db.session.scalar(sa.select(WalletSettings).order_by(WalletSettings.id).limit(1))


def is_configured() -> bool:
    return settings() is not None


def _pem_certificate(data: bytes) -> str:
    """A certificate uploaded as PEM or DER (Apple hands out the WWDR certificate as .cer, DER)."""
    if b"-----BEGIN CERTIFICATE-----" in data:
        return _run(["x509"], data=data).decode()
    return _run(["x509", "-inform", "DER"], data=data).decode()


def _from_p12(path: Path, args: list[str], secrets: dict[str, str]) -> bytes:
    try:
        return _run(["pkcs12", "-in", str(path), "-passin", "env:P12_PASS", *args], secrets=secrets)
    except ValidationError:  # Keychain's older exports use algorithms OpenSSL 3 keeps in its legacy provider
        return _run(["pkcs12", "-legacy", "-in", str(path), "-passin", "env:P12_PASS", *args], secrets=secrets)


def configure(actor, *, p12: bytes, password: str, wwdr: bytes, pass_type_id: str, team_id: str,
              organisation: str) -> WalletSettings:
    """Store the pass certificate exported from Keychain (.p12) and Apple's WWDR intermediate."""
    ensure(actor, "wallet.configure")
    pass_type_id, team_id, organisation = pass_type_id.strip(), team_id.strip(), organisation.strip()
    if not re.fullmatch(r"pass(\.[A-Za-z0-9-]+)+", pass_type_id):
        raise ValidationError(_l("A pass type identifier looks like pass.org.hkstp.forum."), field="pass_type_id")
    if not re.fullmatch(r"[A-Z0-9]{10}", team_id):
        raise ValidationError(_l("The team identifier is 10 capital letters and digits."), field="team_id")
    if not p12 or not wwdr:
        raise ValidationError(_l("Upload the pass certificate and Apple's WWDR certificate."), field="certificate")
    secrets = {"P12_PASS": password or "", "KEY_PASS": _key_passphrase()}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pass.p12"
        path.write_bytes(p12)
        certificate = _from_p12(path, ["-clcerts", "-nokeys"], secrets)
        plain_key = _from_p12(path, ["-nocerts", "-nodes"], secrets)
    key = _run(["pkey", "-aes256", "-passout", "env:KEY_PASS"], secrets=secrets, data=plain_key).decode()
    certificate_pem = _pem_certificate(certificate)
    end = _run(["x509", "-noout", "-enddate"], data=certificate_pem.encode()).decode().strip().split("=", 1)[-1]
    row = settings() or WalletSettings()
    row.pass_type_id, row.team_id, row.organisation = pass_type_id, team_id, organisation or "HKSTP"
    row.certificate_pem, row.key_pem, row.wwdr_pem = certificate_pem, key, _pem_certificate(wwdr)
    row.expires_at = datetime.strptime(end.replace("  ", " "), "%b %d %H:%M:%S %Y %Z").replace(tzinfo=timezone.utc)
    row.updated_by_id = getattr(actor, "id", None)
    db.session.add(row)
    db.session.flush()
    record(actor, "wallet.configure", row, changes={"pass_type_id": pass_type_id, "team_id": team_id})
    return row


def remove(actor) -> None:
    ensure(actor, "wallet.configure")
    row = settings()
    if row is not None:
        record(actor, "wallet.remove", row)
        db.session.delete(row)
        db.session.flush()


def _icon(size: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (0, 94, 184)).save(buffer, "PNG")
    return buffer.getvalue()


def pass_json(row: WalletSettings, attendee, code: str, serial: str) -> dict:
    forum = attendee.forum
    dates = []
    for locale in ("en", "zh_Hant_HK"):
        with force_locale(locale):
            dates.append(hk_datetime(forum.starts_at, "full"))

    def both(en: str, zh: str) -> str:
        en, zh = (en or "").strip(), (zh or "").strip()
        return f"{en}\n{zh}" if en and zh and en != zh else en or zh

    return {
        "formatVersion": 1, "passTypeIdentifier": row.pass_type_id, "teamIdentifier": row.team_id,
        "organizationName": row.organisation, "serialNumber": serial,
        "description": both(forum.title_en, forum.title_zh),
        "relevantDate": forum.starts_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "backgroundColor": "rgb(0, 94, 184)", "foregroundColor": "rgb(255, 255, 255)",
        "labelColor": "rgb(220, 235, 250)",
        "barcodes": [{"format": "PKBarcodeFormatQR", "message": code, "messageEncoding": "iso-8859-1",
                      "altText": code}],
        "eventTicket": {
            "primaryFields": [{"key": "forum", "label": "forum", "value": both(forum.title_en, forum.title_zh)}],
            "secondaryFields": [{"key": "holder", "label": "holder",
                                 "value": both(attendee.name_en, attendee.name_zh) or attendee.email}],
            "auxiliaryFields": [{"key": "date", "label": "date", "value": both(*dates)},
                                {"key": "venue", "label": "venue", "value": both(forum.venue_en, forum.venue_zh)}],
        },
    }


STRINGS = {
    "en.lproj": {"forum": "Forum", "holder": "Name", "date": "Date", "venue": "Venue"},
    "zh-Hant.lproj": {"forum": "論壇", "holder": "姓名", "date": "日期", "venue": "地點"},
}


def _strings(labels: dict[str, str]) -> bytes:
    # .strings files are UTF-16 in Apple's tools; Wallet also reads UTF-8, which keeps the archive small.
    return "".join(f'"{k}" = "{v}";\n' for k, v in labels.items()).encode("utf-8")


def build_pass(attendee, ticket, code: str) -> bytes:
    """The signed .pkpass for a registered attendee's live ticket."""
    row = settings()
    if row is None:
        raise ValidationError(_l("Wallet passes are not set up."))
    serial = hashlib.sha256(b"pass" + ticket.key).hexdigest()[:24]  # stable per ticket, nothing personal
    files = {"pass.json": json.dumps(pass_json(row, attendee, code, serial), ensure_ascii=False).encode("utf-8"),
             "icon.png": _icon(29), "icon@2x.png": _icon(58), "logo.png": _icon(50)}
    for folder, labels in STRINGS.items():
        files[f"{folder}/pass.strings"] = _strings(labels)
    manifest = json.dumps({name: hashlib.sha1(data).hexdigest() for name, data in files.items()},
                          sort_keys=True).encode()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "cert.pem").write_text(row.certificate_pem)
        (base / "key.pem").write_text(row.key_pem)
        (base / "wwdr.pem").write_text(row.wwdr_pem)
        signature = _run(["smime", "-sign", "-binary", "-signer", str(base / "cert.pem"), "-inkey",
                          str(base / "key.pem"), "-passin", "env:KEY_PASS", "-certfile", str(base / "wwdr.pem"),
                          "-outform", "DER"], secrets={"KEY_PASS": _key_passphrase()}, data=manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", manifest)
        archive.writestr("signature", signature)
    return buffer.getvalue()
