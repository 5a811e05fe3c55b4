"""Output release: results leave the room only through a request reviewed by two lab staff.

Disclosure checks run first: every CSV cell holding a count from 1 to threshold-1 is flagged.
The author of a request never reviews it (permission rule), each reviewer reviews once
(uq_datalab_output_review), and the request is settled by a conditional UPDATE once two reviews
are in, so two reviewers finishing at once settle it once.
"""
from __future__ import annotations

import csv
import io
import secrets
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..db import utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..extensions import db
from ..permissions import can, ensure
from .dbutil import insert_unless_taken
from .applications import Status, notify
from .lab import get_lab
from .models import REJECT_REASONS, LabApplication, OutputFile, OutputRequest, OutputReview, OutputStatus

MAX_BYTES = 10 * 1024 * 1024
TYPES = {"csv": "text/csv", "txt": "text/plain", "pdf": "application/pdf"}
REVIEWS_NEEDED = 2


def folder() -> Path:
    path = Path(current_app.instance_path) / "datalab_outputs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def disclosure_flags(data: bytes, threshold: int) -> list[str]:
    """Cells of a CSV table counting fewer than `threshold` (but some) people."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_l("A CSV file must be UTF-8 text."), field="files")
    flags = []
    for r, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        for c, cell in enumerate(row, start=1):
            value = cell.strip().replace(",", "")
            if value.isascii() and value.isdigit() and 0 < int(value) < threshold:
                flags.append(f"row {r}, column {c}: {value}")
    return flags


def create_request(actor, application: LabApplication, description: str, files: list[tuple[bytes, str]],
                   *, now: datetime | None = None) -> OutputRequest:
    if not (can(actor, "datalab.undertake", application) or can(actor, "datalab.staff", get_lab())):
        raise PermissionDenied()
    if application.status != Status.approved:
        raise ValidationError(_l("Outputs can be requested on approved projects only."))
    description = (description or "").strip()
    if not description:
        raise ValidationError(_l("Describe what each file shows."), field="description")
    if not files:
        raise ValidationError(_l("Add at least one file."), field="files")
    threshold = get_lab().disclosure_threshold
    checked = []
    for data, name in files:
        ext = Path(name or "").suffix.lower().lstrip(".")
        if ext not in TYPES:
            raise ValidationError(_l("Outputs are CSV, text or PDF files."), field="files")
        if not data or len(data) > MAX_BYTES:
            raise ValidationError(_l("Each file must hold something and be at most 10 MB."), field="files")
        if ext == "pdf" and not data[:1024].lstrip().startswith(b"%PDF-"):
            raise ValidationError(_l("This file is not a PDF."), field="files")
        flags = disclosure_flags(data, threshold) if ext == "csv" else []
        checked.append((data, Path(name).name[:200], ext, flags))
    request = OutputRequest(application_id=application.id, author_id=actor.id, description=description,
                            created_at=now or utcnow())
    db.session.add(request)
    db.session.flush()
    for data, name, ext, flags in checked:
        stored = f"{secrets.token_hex(16)}.{ext}"
        (folder() / stored).write_bytes(data)
        db.session.add(OutputFile(request_id=request.id, original_name=name, stored_name=stored,
                                  content_type=TYPES[ext], size=len(data), flags=flags))
    db.session.flush()
    db.session.refresh(request)
    record(actor, "datalab.output_requested", application,
           changes={"request": request.id, "files": [f.original_name for f in request.files],
                    "flagged_cells": sum(len(f.flags) for f in request.files)})
    return request


def get_request(request_id: int) -> OutputRequest:
    request = db.session.get(OutputRequest, request_id)
    if request is None:
        raise NotFound()
    return request


def review_output(actor, request: OutputRequest, verdict: str, comments: str = "", *, reason: str = "",
                  now: datetime | None = None) -> OutputReview:
    ensure(actor, "datalab.output_review", request)
    if request.author_id == actor.id:  # also for administrators: nobody checks their own output
        raise PermissionDenied(_l("The author of an output request cannot review it."))
    if verdict not in ("release", "return", "reject"):
        raise ValidationError(_l("Choose a verdict."), field="verdict")
    comments = (comments or "").strip()
    reason = reason if verdict == "reject" else ""
    if verdict == "reject" and reason not in REJECT_REASONS:
        raise ValidationError(_l("Choose the reason for rejecting from the list."), field="reason")
    if not comments and (verdict == "return" or reason == "other"):
        raise ValidationError(_l("Give the comments or the reason."), field="comments")
    now = now or utcnow()
    # Reviewers finishing at once queue on the request's row (PostgreSQL; SQLite writers are serial), so the
    # later one counts both reviews and settles the request. The lock comes before the review's INSERT,
    # whose foreign key would otherwise share-lock the row first and deadlock two reviewers.
    db.session.execute(sa.select(OutputRequest.id).where(OutputRequest.id == request.id).with_for_update())
    db.session.refresh(request)
    if request.status != OutputStatus.submitted:
        raise ValidationError(_l("This request is already settled."))
    review_id = insert_unless_taken(OutputReview, request_id=request.id, reviewer_id=actor.id, verdict=verdict,
                                    reason=reason, comments=comments, at=now)
    if review_id is None:  # uq_datalab_output_review
        raise Conflict(_l("You have already reviewed this request."))
    row = db.session.get(OutputReview, review_id)
    application = db.session.get(LabApplication, request.application_id)
    record(actor, "datalab.output_reviewed", application,
           changes={"request": request.id, "verdict": verdict, "reason": reason, "comments": comments})
    reviews = db.session.scalars(sa.select(OutputReview).where(OutputReview.request_id == request.id)
                                 .execution_options(populate_existing=True)).all()
    if len(reviews) >= REVIEWS_NEEDED:
        _settle(request, reviews, application, now)
    return row


def _settle(request: OutputRequest, reviews: list[OutputReview], application: LabApplication,
            now: datetime) -> None:
    verdicts = [r.verdict for r in reviews]
    if "reject" in verdicts:
        status = OutputStatus.rejected
    elif all(v == "release" for v in verdicts):
        status = OutputStatus.released
    else:
        status = OutputStatus.returned
    reason = "\n".join(r.comments for r in reviews if r.comments)
    reject_reason = next((r.reason for r in reviews if r.verdict == "reject"), "")
    done = db.session.execute(sa.update(OutputRequest).where(OutputRequest.id == request.id,
                                                             OutputRequest.status == OutputStatus.submitted)
                              .values(status=status, decided_at=now, reason=reason, reject_reason=reject_reason)
                              .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        return
    db.session.refresh(request)
    record(None, "datalab.output_" + status.value, application, changes={"request": request.id})
    notify(application, "output", str(status.value))


def requests_of(application: LabApplication) -> list[OutputRequest]:
    return db.session.scalars(sa.select(OutputRequest).where(OutputRequest.application_id == application.id)
                              .order_by(OutputRequest.id)).all()


def waiting_requests(actor) -> list[OutputRequest]:
    ensure(actor, "datalab.staff", get_lab())
    return db.session.scalars(sa.select(OutputRequest).where(OutputRequest.status == OutputStatus.submitted)
                              .order_by(OutputRequest.created_at)).all()


def released_file(actor, file_id: int) -> tuple[OutputFile, bytes]:
    """A released file for the applicant's people (or lab staff); nothing before release."""
    row = db.session.get(OutputFile, file_id)
    if row is None:
        raise NotFound()
    request = db.session.get(OutputRequest, row.request_id)
    application = db.session.get(LabApplication, request.application_id)
    staff = can(actor, "datalab.staff", get_lab())
    if not (staff or can(actor, "datalab.apply", application)):
        raise PermissionDenied()
    if request.status != OutputStatus.released and not staff:
        raise PermissionDenied(_l("This file has not been released."))
    return row, (folder() / row.stored_name).read_bytes()
