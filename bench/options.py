"""What every bench command shares: the database it measures (``--database``, by default
``BENCH_DATABASE_URL`` or the local ``mediation_bench``) and the environment the app's
servers and commands run in on it."""

import argparse
import os

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/mediation_bench"


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
    }
