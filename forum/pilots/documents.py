"""A pilot's documents: agreements and evaluation reports.

The same upload rules as exhibitors' files (forum/exhibitors/uploads.py): checked by content before
anything is written, stored under a generated name outside static/, and read back only through
document() after the pilot's own permission check.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..errors import NotFound, ValidationError
from ..exhibitors import uploads
from ..extensions import db
from ..permissions import ensure
from .models import Pilot, PilotDocument

KINDS = {"agreement": _l("Agreement"), "evaluation": _l("Evaluation report")}


def add_document(actor, pilot: Pilot, kind: str, data: bytes, filename: str = "") -> PilotDocument:
    ensure(actor, "pilot.edit", pilot)
    if kind not in KINDS:
        raise ValidationError(_l("Choose agreement or evaluation report."), field="kind")
    stored = uploads.store(pilot.company_id, data, kind="pdf", original_name=filename, actor=actor, field="file")
    document = PilotDocument(pilot_id=pilot.id, kind=kind, file_id=stored.id, uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    record(actor, "pilot.document_add", pilot, object_type="Pilot",
           changes={"kind": kind, "name": stored.original_name or uploads.download_name(stored)})
    return document


def document(pilot: Pilot, document_id: int) -> tuple[PilotDocument, bytes]:
    """One of the pilot's documents and its bytes; the caller has loaded the pilot with get_pilot(),
    which checks that the reader may see it."""
    found = next((d for d in pilot.documents if d.id == document_id), None)
    if found is None:
        raise NotFound(_l("No such document."))
    try:
        return found, uploads.read(found.file)
    except OSError:
        raise NotFound(_l("No such document.")) from None
