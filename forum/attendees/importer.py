"""Invitation lists: check every row, show what would change, then write all of it or only the good rows."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..db import utcnow
from ..extensions import db
from ..permissions import ensure
from ..sites.services import find_cluster, list_clusters, site_index
from ..text import clean, is_email, normalise_email
from .account_links import link_new_records
from .models import Attendee, AttendeeKind, AttendeeStatus
from .spreadsheet import SpreadsheetError, read_table

# Columns an import may change on an existing attendee; status, tickets and answers are theirs.
IMPORTED = ("name_en", "name_zh", "title", "department", "organisation", "site_id")


@dataclass
class PlannedRow:
    line: int
    action: str  # "create", "update" or "skip" (already there, nothing new)
    email: str
    values: dict
    changes: dict = field(default_factory=dict)
    attendee: Attendee | None = None


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader assumed, e.g. a Big5 file
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def skipped(self) -> int:
        return self.count("skip")


def plan_import(actor, forum, content: bytes, filename: str = "") -> ImportPlan:
    """Read and check the whole file against the forum's attendees; writes nothing."""
    ensure(actor, "attendee.manage")
    plan = ImportPlan()
    try:
        table = read_table(content, filename)
    except SpreadsheetError as error:
        plan.errors.append((error.line, error.message))
        return plan
    plan.ignored_columns = table.ignored
    plan.notes = table.notes
    index = site_index()
    clusters = list_clusters()
    existing = {a.email_key: a for a in db.session.scalars(sa.select(Attendee).where(Attendee.forum_id == forum.id))}
    seen: dict[str, int] = {}
    col = table.columns

    for line, cells in table.rows:
        def cell(name: str) -> str:
            i = col.get(name)
            return clean(cells[i]) if i is not None and i < len(cells) else ""

        raw_email = cell("email")
        email_key = normalise_email(raw_email)
        name_en, name_zh = cell("name_en"), cell("name_zh")
        problems = []
        if not email_key:
            problems.append(str(_l("missing email")))
        elif not is_email(email_key):
            problems.append(str(_l("\"%(email)s\" is not an email address", email=raw_email)))
        if not (name_en or name_zh):
            problems.append(str(_l("missing name (English or Chinese)")))
        site_text, cluster_text = cell("site"), cell("cluster")
        site = index.find(site_text) if site_text else None
        cluster = find_cluster(cluster_text, clusters) if cluster_text else None
        if not site_text:
            problems.append(str(_l("missing hospital or HA office")))
        elif site is None:
            problems.append(str(_l("unknown hospital or office \"%(name)s\"", name=site_text)))
        if cluster_text and cluster is None:
            problems.append(str(_l("unknown cluster \"%(name)s\"", name=cluster_text)))
        elif cluster is not None and site is not None and site.cluster_id != cluster.id:
            problems.append(str(_l("%(site)s is not in the %(cluster)s cluster", site=site.name_en,
                                   cluster=cluster.code)))
        if email_key and email_key in seen:
            problems.append(str(_l("duplicate: same email as line %(line)d", line=seen[email_key])))
        if problems:
            plan.errors.append((line, "; ".join(problems)))
            if email_key:
                seen.setdefault(email_key, line)
            continue
        seen[email_key] = line
        values = {"name_en": name_en, "name_zh": name_zh, "title": cell("title")[:160],
                  "department": cell("department")[:160], "organisation": site.name_en, "site_id": site.id}
        current = existing.get(email_key)
        if current is None:
            plan.rows.append(PlannedRow(line, "create", email_key, values))
            continue
        # A blank cell never erases what is already known.
        changes = {k: [getattr(current, k), v] for k, v in values.items()
                   if v not in ("", None) and getattr(current, k) != v}
        plan.rows.append(PlannedRow(line, "update" if changes else "skip", current.email, values, changes, current))
    return plan


def apply_import(actor, forum, plan: ImportPlan, *, only_valid: bool = False) -> ImportPlan:
    """Write a checked plan. With errors, nothing is written unless only_valid is chosen."""
    ensure(actor, "attendee.manage")
    if plan.errors and not only_valid:
        return plan
    now = utcnow()
    new_rows = [r for r in plan.rows if r.action == "create"]
    if new_rows:
        db.session.execute(sa.insert(Attendee), [
            {"forum_id": forum.id, "kind": AttendeeKind.ha, "status": AttendeeStatus.invited, "email": r.email,
             "email_key": r.email, "access_needs": "", "dietary_needs": "", "share_contact": False,
             "created_at": now, "updated_at": now, **r.values}
            for r in new_rows])
        link_new_records(r.email for r in new_rows)
    for row in plan.rows:
        if row.action == "update":
            for name, (_old, new) in row.changes.items():
                setattr(row.attendee, name, new)
            record(actor, "attendee.import_update", row.attendee, forum_id=forum.id, changes=row.changes)
    db.session.flush()
    if new_rows:
        # One audit record per person the list added, under the id the insert gave them.
        ids = dict(db.session.execute(sa.select(Attendee.email_key, Attendee.id).where(
            Attendee.forum_id == forum.id, Attendee.email_key.in_([r.email for r in new_rows]))).all())
        for r in new_rows:
            record(actor, "attendee.import_create", None, object_type="Attendee", forum_id=forum.id,
                   changes={k: v for k, v in r.values.items() if v not in ("", None)}).object_id = ids.get(r.email)
    record(actor, "attendee.import", forum, forum_id=forum.id,
           changes={"created": plan.created, "updated": plan.updated, "unchanged": plan.skipped,
                    "bad_rows": len(plan.errors), "only_valid": only_valid})
    plan.applied = True
    return plan
