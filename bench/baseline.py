"""The floors to compare with, served the same way as the app (gunicorn, same workers and
threads, same database): a bare Flask page that reads one row (on a connection of its own, as
the first bench measured it, and on a pooled one), and a bare Flask endpoint that inserts one
row per POST.

The insert is what a filing cannot do without: parse the JSON body, take a pooled connection
(pinged, as the app's engine does), insert the body as one row of a table of its own, commit.
"""

import json
import os

import psycopg
from flask import Flask, request
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    MetaData,
    Table,
    create_engine,
    func,
    insert,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url

app = Flask(__name__)
DATABASE = os.environ["BENCH_DATABASE_URL"]

# The app's engine options (mediation.config: pool_pre_ping) and its pool, so the comparison
# is with the app's own way to reach the database, not with a connection opened per request.
engine = create_engine(make_url(DATABASE).set(drivername="postgresql+psycopg"), pool_pre_ping=True)
inserts = Table(
    "bench_bare_inserts",
    MetaData(),
    Column("id", BigInteger, primary_key=True),
    Column("received_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
    Column("body", JSONB, nullable=False),
)
# Both gunicorn workers import this module at once: the lock makes one create the table.
with engine.begin() as connection:
    connection.execute(text("SELECT pg_advisory_xact_lock(5602)"))
    inserts.create(connection, checkfirst=True)


@app.get("/")
def one_row():
    with psycopg.connect(DATABASE) as connection:
        number = connection.execute("SELECT number FROM cases ORDER BY id LIMIT 1").fetchone()[0]
    return f"<p>{number}</p>"


@app.get("/pooled")
def one_row_pooled():
    """The same read on a pooled connection, as the app reads."""
    with engine.connect() as connection:
        number = connection.scalar(text("SELECT number FROM cases ORDER BY id LIMIT 1"))
    return f"<p>{number}</p>"


@app.post("/insert")
def one_insert():
    body = request.get_json()
    with engine.begin() as connection:
        row_id = connection.execute(insert(inserts).values(body=body).returning(inserts.c.id))
        row_id = row_id.scalar_one()
    return app.response_class(json.dumps({"id": row_id}), 201, mimetype="application/json")
