"""gunicorn's settings, read from the working directory by every gunicorn started at the
repository root: production (README, "Production layout"), bench/run.py and bench/cluster.py.
Options on the command line (workers, threads, bind) still win.

glibc's malloc raises its mmap threshold to the size of each large block freed, up to 32 MiB,
and keeps one arena per thread. argon2 takes a 19 MiB block for each password check, so after
a few sign-ins every thread of a worker held its own 19 MiB that the worker never gave back
(workers at 175–195 MB instead of about 150). A fixed threshold (glibc's default, 128 KiB)
turns that growth off: blocks that large are always mapped apart and returned when freed, at
the cost of the kernel zeroing 19 MiB again for each check (about 20 ms more per sign-in).
Two arenas instead of one per thread keep the threads' freed memory in fewer places (about
2 MB less per worker after the page mix); the GIL lets one thread allocate at a time anyway.

MALLOC_MMAP_THRESHOLD_ in the environment would do the same, but only for a process that
starts with it: the master has set up malloc before it reads this file, and the workers are
forks of it that inherit its allocator as it is. So the master calls mallopt() itself, before
it forks any worker.

Each worker, once it has loaded the app, sets its garbage collector for a web process (see
``post_worker_init``).
"""

import ctypes
import gc

# mallopt's parameter numbers (malloc.h).
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's default, fixed
ARENAS = 2


def _tune_malloc() -> None:
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:  # glibc; other C libraries grow no threshold and have no arenas
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
        mallopt(M_ARENA_MAX, ARENAS)


_tune_malloc()


# Young garbage is collected every this many new objects (Python's default: 700).
YOUNG_GENERATION = 10_000


def post_worker_init(worker) -> None:
    """gunicorn's hook, once the worker has loaded the app. What start-up made (the app, its
    routes, models, compiled templates) lives as long as the worker, so it is moved out of
    the collector's sight; and a page makes thousands of objects (ORM states, statements,
    template frames), which a young-generation pass every 700 scanned while they were still
    in use. In one process the case page took 15.8–16.1 ms of CPU instead of 17.1–17.4. The
    objects awaiting a pass are at most 10,000 containers, a few MB at worst."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])
