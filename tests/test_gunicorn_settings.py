"""gunicorn.conf.py as gunicorn reads it: what every web worker of production and of the bench
does once it has loaded the app."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# gunicorn's own loader reads the file; its hook runs as in a worker (in a process of its own,
# so that this run's collector is left as it is).
PROBE = """
import gc
from gunicorn.app.base import Application

class Settings(Application):
    def init(self, parser, opts, args):
        return {}

    def load_config(self):
        self.load_config_from_file("gunicorn.conf.py")

    def load(self):
        return None

settings = Settings()
young = gc.get_threshold()[0]
settings.cfg.post_worker_init(None)
print(young, gc.get_threshold()[0], gc.get_freeze_count() > 0)
"""


def test_a_worker_collects_young_garbage_less_often_and_never_rescans_the_app():
    answer = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    before, after, frozen = answer.stdout.split()
    assert (before, after, frozen) == ("700", "10000", "True")
