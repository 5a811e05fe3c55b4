"""Check-in JSON API: single scans, offline batches and counts (see shared CONTRACT.md)."""
from __future__ import annotations

from flask import request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..api.core import api_route
from ..db import commit_statements
from ..extensions import db
from ..forums.services import forum_ref, get_forum
from ..permissions import ensure
from ..ratelimit import hot_limit
from ..errors import NotFound
from ..refs import parse_id
from ..secret_tokens import bearer_token, hash_token
from . import arrivals, kinds, services
from .door import door_ref, door_rider
from .points import get_kind_point
from .schemas import BatchIn, BatchOut, CheckInAnswer, PointAnswer, PointBatchOut, ScanIn, Stats

REFUSALS = {400: "Malformed body.", 401: "Missing or unknown token.", 403: "Not a scanner or organiser.",
            404: "No such forum.", 429: "Too many scans from this token."}


def scan_rate_key() -> str:
    """Rate limits count per token (or per signed-in user), not per address: a hall shares one NAT."""
    token = bearer_token(request.headers)
    if token is not None:
        return "token:" + hash_token(token)[:32]
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "addr:" + (get_remote_address() or "")


def _batch_cost() -> int:
    data = request.get_json(silent=True)
    scans = data.get("scans") if isinstance(data, dict) else None
    return max(1, len(scans)) if isinstance(scans, list) else 1


@api_route("/forums/<forum>/checkins", methods=("POST",), permission="checkin.scan", tag="checkin",
           summary="Check one scanned ticket in.", body=ScanIn, response=CheckInAnswer, responses=REFUSALS,
           autocommit=True, sign_in_rider=door_rider)
@hot_limit("RATELIMIT_SCAN", scan_rate_key)
def checkin_api(forum: str, body: dict):
    scan = services.Scan(code=body["code"].strip(), point=body.get("point"), nonce=body.get("nonce"),
                         scanned_at=body.get("scanned_at"), device_id=(body.get("device_id") or "")[:80],
                         direction=body.get("direction") or "in")
    forum = door_ref(forum, scan.point, scan.code, scan.nonce)  # all the door reads, made with the sign-in
    # The User itself, not the proxy: check_in reads the actor a dozen times and each proxy read costs.
    answer = services.check_in(current_user._get_current_object(), forum, scan)
    commit_statements(db.session)
    return answer


@api_route("/forums/<forum>/checkins/batch", methods=("POST",), permission="checkin.scan", tag="checkin",
           summary="Check in scans queued offline; each is judged like a single scan, answers in the same order.",
           body=BatchIn, response=BatchOut, responses=REFUSALS, autocommit=True)
@hot_limit("RATELIMIT_SCAN", scan_rate_key, cost=_batch_cost)
def checkin_batch_api(forum: str, body: dict):
    forum = forum_ref(forum)  # id and slug only: check_in needs no more
    scans = services.parse_batch(body)
    results = services.check_in_batch(current_user, forum, scans)
    commit_statements(db.session)
    return {"results": results}


@api_route("/forums/<forum>/checkins/stats", permission="checkin.stats", tag="checkin",
           summary="Invited, registered and checked-in counts, and people seen per point.", response=Stats,
           responses={401: REFUSALS[401], 403: REFUSALS[403], 404: REFUSALS[404]})
def checkin_stats_api(forum: str):
    forum = get_forum(forum)
    ensure(current_user, "checkin.stats", forum)
    return arrivals.stats(forum)


# --- points of another kind (the data lab's door): the same scans, judged by the kind's rules ------

def _kind_point(point_id: str):
    number = parse_id(point_id)
    if number is None:
        raise NotFound()
    return get_kind_point(number)


POINT_REFUSALS = {400: "Malformed body, or a closed point.", 401: REFUSALS[401],
                  403: "Not allowed to scan at this point.", 404: "No such point.", 429: REFUSALS[429]}


@api_route("/checkin/points/<point_id>/checkins", methods=("POST",), permission="checkin.point", tag="checkin",
           summary="Judge one scan at a point without a forum (the data lab's door): in or out, refusals say why.",
           body=ScanIn, response=PointAnswer, responses=POINT_REFUSALS)
@hot_limit("RATELIMIT_SCAN", scan_rate_key)
def point_checkin_api(point_id: str, body: dict):
    point = _kind_point(point_id)
    scan = services.Scan(code=body["code"].strip(), nonce=body.get("nonce"), scanned_at=body.get("scanned_at"),
                         device_id=(body.get("device_id") or "")[:80], direction=body.get("direction") or "in")
    answer = kinds.judge(current_user, point, scan)
    db.session.commit()
    return answer


@api_route("/checkin/points/<point_id>/checkins/batch", methods=("POST",), permission="checkin.point",
           tag="checkin", summary="Scans at a point without a forum queued offline, each judged like a single "
                                  "scan at its scanned_at; answers in the same order.",
           body=BatchIn, response=PointBatchOut, responses=POINT_REFUSALS)
@hot_limit("RATELIMIT_SCAN", scan_rate_key, cost=_batch_cost)
def point_checkin_batch_api(point_id: str, body: dict):
    point = _kind_point(point_id)
    results = kinds.judge_batch(current_user, point, services.parse_batch(body))
    db.session.commit()
    return {"results": results}
