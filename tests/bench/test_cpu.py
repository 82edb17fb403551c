"""The bench's CPU accounting (bench/cpu.py): what a process tree used, ended processes
included, and which processes are PostgreSQL's."""

import subprocess
import sys
import time

import psycopg
import pytest

from bench import cpu
from tests.bench import libpq_url

# Uses this much CPU, then says so (and, if told, waits for its input to close).
BURN = """
import sys, time
while time.process_time() < 0.3:
    pass
print("burnt", flush=True)
if sys.argv[1:] == ["stay"]:
    sys.stdin.read()
"""
# One child that burns and ends (waited for), one that burns and stays; then waits.
PARENT = f"""
import subprocess, sys
subprocess.run([sys.executable, "-c", {BURN!r}], check=True)
staying = subprocess.Popen([sys.executable, "-c", {BURN!r}, "stay"], stdin=subprocess.PIPE)
while True:
    line = sys.stdin.readline()
    if line == "":
        break
"""


def test_a_tree_counts_its_live_processes_and_those_that_ended():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        # The first child ended after burning, the second burnt and stays alive.
        assert parent.stdout.readline() == "burnt\n"
        assert parent.stdout.readline() == "burnt\n"
        used = cpu.tree_seconds(parent.pid)
        # Both children's 0.3 s, to a clock tick each (and the three interpreters' start-up).
        assert used >= 0.6 - 2 / cpu.TICKS
        # The tree is the parent's: what this process uses is not in it.
        burnt_from = time.process_time()
        while time.process_time() < burnt_from + 0.3:
            pass
        assert cpu.tree_seconds(parent.pid) < used + 0.1
    finally:
        parent.stdin.close()
        parent.wait(timeout=10)


def test_a_process_that_ended_is_no_tree():
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait(timeout=10)
    assert cpu.tree_seconds(ended.pid) == 0


@pytest.mark.postgresql_only
def test_the_postgresql_root_is_above_every_backend_of_the_database(app):
    database = libpq_url(app)
    root = cpu.postgresql_root(database)
    assert root is not None, "the test database's server runs on this machine"
    with psycopg.connect(database) as connection:
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        assert cpu._processes()[backend][0] == root
        # The backend's work is the server's: a query's CPU shows in the root's tree.
        before = cpu.tree_seconds(root)
        connection.execute("SELECT count(*) FROM generate_series(1, 3000000)").fetchone()
        assert cpu.tree_seconds(root) > before
