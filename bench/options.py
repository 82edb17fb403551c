"""What every bench command shares: the database it measures (``--database``, by default
``BENCH_DATABASE_URL`` or the local ``mediation_bench``) and the environment the app's
servers and commands run in on it, with Redis as production has it (``BENCH_REDIS_URL``, by
default database 13 of the local server: the kept case pages, the sign-in throttle and the
worker's queue)."""

import argparse
import os

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/mediation_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"


def parser(doc: str) -> argparse.ArgumentParser:
    """A command's argument parser, described by the first line of ``doc``, with
    ``--database``."""
    found = argparse.ArgumentParser(description=doc.splitlines()[0])
    found.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
        help="a database loaded as bench.run loads it",
    )
    return found


def app_env(database: str) -> dict[str, str]:
    """The environment of the app's servers and flask commands on ``database``."""
    return {
        **os.environ,
        "DATABASE_URL": database,
        "BENCH_DATABASE_URL": database,
        "MEDIATION_ENV": "development",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
    }
