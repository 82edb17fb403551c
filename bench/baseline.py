"""The floor to compare with: a bare Flask page that reads one row, served the same way."""

import os

import psycopg
from flask import Flask

app = Flask(__name__)
DATABASE = os.environ["BENCH_DATABASE_URL"]


@app.get("/")
def one_row():
    with psycopg.connect(DATABASE) as connection:
        number = connection.execute("SELECT number FROM cases ORDER BY id LIMIT 1").fetchone()[0]
    return f"<p>{number}</p>"
