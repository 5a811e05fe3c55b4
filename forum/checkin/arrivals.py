"""Who has arrived: the counts for the API and the CLI, and everything the live dashboard shows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..attendees.models import Attendee, AttendeeStatus
from ..db import HK
from ..extensions import db
from .models import CheckIn, ScanResult, counts_as_arrival
from .points import points_of


_COUNTED = (ScanResult.ok, ScanResult.already_checked_in)


def stats(forum, points: list | None = None) -> dict:
    """{"invited", "registered", "checked_in", "by_point": {key: people seen there}}: four queries."""
    by_status = dict(db.session.execute(
        sa.select(Attendee.status, sa.func.count()).where(Attendee.forum_id == forum.id)
        .group_by(Attendee.status)).all())
    invited = sum(n for status, n in by_status.items() if status != AttendeeStatus.cancelled)
    checked_in = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(
        CheckIn.forum_id == forum.id, counts_as_arrival()))
    seen = dict(db.session.execute(
        sa.select(CheckIn.point_id, sa.func.count(sa.distinct(CheckIn.attendee_id)))
        .where(CheckIn.forum_id == forum.id, CheckIn.annulled_at.is_(None), CheckIn.result.in_(_COUNTED))
        .group_by(CheckIn.point_id)).all())
    by_point = {p.key: seen.get(p.id, 0) for p in (points_of(forum) if points is None else points)}
    if seen.get(None):
        by_point["none"] = seen[None]
    return {"invited": invited, "registered": by_status.get(AttendeeStatus.registered, 0),
            "checked_in": checked_in or 0, "by_point": by_point}


@dataclass
class Dashboard:
    stats: dict
    points: list
    buckets: list  # [(start datetime, count)] per 5 minutes, HK time
    by_site: list  # [(cluster, site, invited, arrived)]
    missing: list  # attendees not yet arrived (first MISSING_LIMIT by name)
    missing_count: int
    recent: list  # latest scans


MISSING_LIMIT = 300
BUCKET = timedelta(minutes=5)


def dashboard(forum) -> Dashboard:
    """Everything the live dashboard shows, in a fixed number of queries whatever the forum's size."""
    from ..sites.models import Cluster, Site

    points = points_of(forum)
    summary = stats(forum, points)
    times = db.session.scalars(sa.select(CheckIn.scanned_at).where(
        CheckIn.forum_id == forum.id, counts_as_arrival())
        .order_by(CheckIn.scanned_at)).all()
    buckets: list[tuple[datetime, int]] = []
    if times:
        epoch = int(BUCKET.total_seconds())
        counts: dict[int, int] = {}
        for t in times:
            slot = int(t.timestamp()) // epoch
            counts[slot] = counts.get(slot, 0) + 1
        first, last = min(counts), max(counts)
        if last - first > 288:  # more than a day: show the last day
            first = last - 288
        from datetime import timezone

        buckets = [(datetime.fromtimestamp(s * epoch, tz=timezone.utc).astimezone(HK), counts.get(s, 0))
                   for s in range(first, last + 1)]

    arrived = (sa.select(CheckIn.attendee_id).where(
        CheckIn.forum_id == forum.id, counts_as_arrival()))
    live = sa.and_(Attendee.forum_id == forum.id, Attendee.status != AttendeeStatus.cancelled)
    arrived_flag = sa.case((Attendee.id.in_(arrived), 1), else_=0)
    by_site = db.session.execute(
        sa.select(Cluster.code, Cluster.name_en, Cluster.name_zh, Site.name_en, Site.name_zh,
                  sa.func.count(Attendee.id), sa.func.sum(arrived_flag))
        .select_from(Attendee).outerjoin(Site, Attendee.site_id == Site.id)
        .outerjoin(Cluster, Site.cluster_id == Cluster.id).where(live)
        .group_by(Cluster.code, Cluster.name_en, Cluster.name_zh, Site.name_en, Site.name_zh)
        .order_by(Cluster.code, Site.name_en)).all()
    # "Not arrived yet" means expected and not here: registered people only, not those who declined
    # or never answered.
    not_arrived = sa.and_(Attendee.forum_id == forum.id, Attendee.status == AttendeeStatus.registered,
                          Attendee.id.not_in(arrived))
    missing_count = db.session.scalar(sa.select(sa.func.count()).select_from(Attendee).where(not_arrived))
    missing = db.session.scalars(sa.select(Attendee).where(not_arrived)
                                 .order_by(Attendee.name_en, Attendee.id).limit(MISSING_LIMIT)).all()
    recent = db.session.scalars(
        sa.select(CheckIn).where(CheckIn.forum_id == forum.id)
        .options(sa.orm.joinedload(CheckIn.attendee), sa.orm.joinedload(CheckIn.point))
        .order_by(CheckIn.received_at.desc(), CheckIn.id.desc()).limit(30)).all()
    # People without a site (exhibitor staff, guests) group under an empty cluster code.
    by_site = [(code or "", c_en or "", c_zh or "", s_en or "", s_zh or "", invited, arrived or 0)
               for code, c_en, c_zh, s_en, s_zh, invited, arrived in by_site]
    return Dashboard(summary, points, buckets, by_site, missing, missing_count or 0, recent)
