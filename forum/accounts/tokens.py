"""Personal API tokens: issued once, stored as a hash, and the Bearer sign-in every scanner request makes."""
from __future__ import annotations

import functools
import secrets
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm
from flask import g

from ..audit.services import record
from ..db import autocommitting, utcnow
from ..errors import NotFound
from ..extensions import db
from ..permissions import can
from ..secret_tokens import hash_token
from ..text import clean
from .models import ApiToken, User

TOKEN_PREFIX = "hkf_"


def issue_token(user: User, label: str = "", actor=None) -> str:
    """Create a token and return it; only its hash is stored, so this is the one time it is seen."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:10],
                            label=clean(label)[:80]))
    record(actor or user, "token.issue", user, changes={"label": label})
    db.session.flush()
    return token


# Bearer sign-in runs on every scanner request: the token and its user's columns in one Core
# statement, built once (compiled form cached), instead of an ORM query with a joined load. Its
# columns carry their own labels, so that a view's read can ride in the same statement (riding())
# without names colliding: a rider's columns must not start with "token_" or "user_".
#
# Of the user, it reads what deciding who may do what needs (and the locale answers are given in):
# not the password hash, the names or the address. The User made from the row has those expired,
# loaded together by one SELECT if a view reads one (make_transient_to_detached marks what is
# missing as expired). A scan reads none of them; each column fewer is work saved on every scan.
SIGNED_IN_USER_FIELDS = ("id", "role", "active", "email_verified", "company_id", "locale", "erased_at")
_token, _user = ApiToken.__table__.c, User.__table__.c
_SIGN_IN_COLUMNS = (_token.id.label("token_id"), _token.revoked_at.label("token_revoked_at"),
                    _token.last_used_at.label("token_last_used_at"),
                    *(_user[name].label("user_" + name) for name in SIGNED_IN_USER_FIELDS))
_SIGN_IN_FROM = ApiToken.__table__.join(User.__table__, _user.id == _token.user_id)
_BY_HASH = _token.token_hash == sa.bindparam("token_hash")
_TOKEN_USER = sa.select(*_SIGN_IN_COLUMNS).select_from(_SIGN_IN_FROM).where(_BY_HASH)


@functools.cache
def riding(rider: sa.Select) -> sa.Select:
    """The sign-in statement with `rider`'s row (a select of at most one row) beside the token's:
    a view's own read made in the same round trip (see auth._load_from_token). Its columns are all
    NULL when the rider finds nothing; there is no row at all when the token is unknown."""
    ride = rider.subquery("rider")
    return (sa.select(*_SIGN_IN_COLUMNS, *ride.c).select_from(_SIGN_IN_FROM.outerjoin(ride, sa.true()))
            .where(_BY_HASH))


@functools.cache
def _user_fields() -> tuple:
    """User's mapper and its (attribute, label in the sign-in's row) pairs; on first use, once every
    model is mapped."""
    mapper = sa.inspect(User)
    return mapper, tuple((attr.key, "user_" + attr.columns[0].name) for attr in mapper.column_attrs
                         if attr.columns[0].name in SIGNED_IN_USER_FIELDS)


def _user_from_row(row) -> User:
    """The session's User for a sign-in row: the one already loaded, else one made from the row and
    added as persistent (no second query). It is a real User, so permissions and any later
    relationship load behave as for a queried one.

    Built the way the ORM's own loader builds a row's object (values straight into the instance's
    dict, then its identity key): the constructor's per-attribute change events cost more than the
    statement on the scanner's path."""
    mapper, fields = _user_fields()
    key = mapper.identity_key_from_primary_key((row.user_id,))
    user = db.session.identity_map.get(key)
    if user is None:
        user = mapper.class_manager.new_instance()
        values = row._mapping
        user.__dict__.update({name: values[label] for name, label in fields})
        sa.orm.make_transient_to_detached(user)  # its identity key from the primary key; nothing to write
        db.session.add(user)
    return user


def user_for_token(token: str) -> User | None:
    """The active user a Bearer token signs in, or None."""
    return _signed_in(_sign_in_row(token, _TOKEN_USER, {}))


def user_for_token_riding(token: str, rider: sa.Select, params: dict) -> tuple[User | None, sa.Row | None]:
    """user_for_token(), and the row riding(rider) read with `params` (the rider's columns by their
    own names), or None when there is no such token."""
    row = _sign_in_row(token, riding(rider), params)
    return _signed_in(row), row


# What the Bearer sign-in of this request read for its view (auth._load_from_token), by the
# view's inputs: (inputs, row).
NOT_RIDDEN = object()


def ridden(inputs: tuple):
    """The row the sign-in read for the view's rider with these inputs (taken once), or NOT_RIDDEN
    when it read none for them: the view then makes its own read."""
    carried = g.pop("sign_in_rider", None)
    if carried is not None and carried[0] == inputs:
        return carried[1]
    return NOT_RIDDEN


def _sign_in_row(token: str, statement: sa.Select, params: dict):
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    return db.session.connection().execute(statement, {**params, "token_hash": hash_token(token)}).first()


def _signed_in(row) -> User | None:
    if row is None or row.token_revoked_at is not None or not row.user_active:
        return None
    now = utcnow()
    # Write the last-used time at most once a minute: scanners send many requests a second.
    # It is a hint, not a record: if SQLite cannot take its write lock inside a read
    # transaction right now (another writer got there first), skip it this time. Where each
    # statement is its own transaction (the door's API) the UPDATE stands alone: PostgreSQL
    # refuses a SAVEPOINT outside a transaction.
    if row.token_last_used_at is None or now - row.token_last_used_at > timedelta(minutes=1):
        touch = sa.update(ApiToken).where(ApiToken.id == row.token_id).values(last_used_at=now)
        try:
            if autocommitting():
                db.session.execute(touch)
            else:
                with db.session.begin_nested():
                    db.session.execute(touch)
        except sa.exc.OperationalError:
            pass
    return _user_from_row(row)


def tokens_of(user: User):
    return db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                              .order_by(ApiToken.created_at.desc())).all()


def revoke_token(actor: User, token_id: int) -> None:
    row = db.session.get(ApiToken, token_id)
    if row is None or not can(actor, "token.revoke", row):
        raise NotFound()
    row.revoked_at = utcnow()
    record(actor, "token.revoke", row.user, changes={"token": row.prefix})
