"""The yardstick for benchmarks/checkin.py: a bare Flask endpoint doing one indexed SELECT and one UPDATE.

It reads the same JSON body as the check-in API, finds the ticket by its key (the indexed column
the real lookup uses) and touches the attendee row, on the same database with the same SQLite
settings (WAL, busy timeout, BEGIN IMMEDIATE for writes). No auth, no permissions, no history.
"""
from __future__ import annotations

import base64
import gc
import os
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, jsonify, request

engine = sa.create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
if engine.dialect.name == "sqlite":
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("foreign_keys=ON", "busy_timeout=10000", "journal_mode=WAL", "synchronous=NORMAL"):
            cursor.execute("PRAGMA " + pragma)
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

app = Flask(__name__)


@app.post("/bare/<forum>")
def bare(forum):
    code = request.get_json()["code"]
    key = base64.b32decode(code[4:])[:10]
    with engine.begin() as conn:
        row = conn.execute(sa.text("SELECT id, attendee_id FROM ticket WHERE key = :key"), {"key": key}).first()
        if row is None:
            return jsonify({"result": "invalid"})
        conn.execute(sa.text("UPDATE attendee SET updated_at = :now WHERE id = :id"),
                     {"now": datetime.now(timezone.utc).replace(tzinfo=None) if engine.dialect.name == "sqlite"
                      else datetime.now(timezone.utc), "id": row.attendee_id})
    return jsonify({"result": "ok"})


# Served as the app is: wsgi.py freezes what importing made, so the yardstick does too.
gc.freeze()
