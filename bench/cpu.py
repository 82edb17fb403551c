"""The CPU time process trees of this machine used (Linux's /proc): where a load's CPU went,
the app's server, PostgreSQL or the load generator.

On a box whose cores the load keeps busy, requests per second are the cores over the CPU one
request takes in all the processes it passes through; so the CPU per request of each process
says what a page or a filing could reach at best if one of them did less (bench/filing.py).
"""

import os
from pathlib import Path

import psycopg

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, int]]:
    """Each live process: its parent and the ticks it and its children it waited for used."""
    found = {}
    for entry in PROC.iterdir() if PROC.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended since the listing
            continue
        # After the command's name in parentheses (which may hold spaces): state, ppid, … with
        # utime, stime, cutime and cstime the 12th to 15th of these fields (proc(5)).
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    return found


def tree_seconds(root: int) -> float:
    """CPU seconds used so far by ``root`` and every process under it, those that ended
    included: an ended process is in the waited-for times of the parent that waited for it,
    a live one in its own (a gunicorn worker restarted by the arbiter counts either way)."""
    processes = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _ticks) in processes.items():
        children.setdefault(parent, []).append(pid)
    ticks, waiting = 0, [root] if root in processes else []
    while waiting:
        pid = waiting.pop()
        ticks += processes[pid][1]
        waiting.extend(children.get(pid, ()))
    return ticks / TICKS


def postgresql_root(database: str) -> int | None:
    """The PostgreSQL server's first process (every backend and helper is under it), when the
    server of ``database`` runs on this machine where /proc shows it; else None."""
    with psycopg.connect(database) as connection:
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        # Read while the backend lives. Another machine's backend may have the pid of some
        # process of this one: it must be PostgreSQL's.
        try:
            if (PROC / str(backend) / "comm").read_text().strip() != "postgres":
                return None
        except OSError:  # on another machine, or in a container of its own
            return None
        return _processes()[backend][0]
