"""The parties' case page, kept rendered until the case changes.

A worker opens the case from a phone many times while nothing happens on it, and each render
reads every part of the case: 16 statements and about 16 ms of CPU, where a page kept ready
costs the sign-in check, the case's own row and a lookup. So the body of the page (all but the
header, which shows the reader's unread count) is kept per case, reader and language, under
the case's ``page_version``. Every commit that writes a row of the case, its own or a part's
(anything with a ``case_id``: claims, messages, sessions, documents, audit events…), gives it
a new random value (the hooks below), in the same transaction as the change: the next view
after a change renders afresh, and nothing has to be taken out of the store. A kept page that
is not asked for again runs out.

The day is part of the key too (deadlines in working days, the payment's and the arbitration
date's standing are counted from today in Shanghai). What neither sees is bounded by when a
kept page runs out:
- the start of a session: a party answers whether they will attend until it starts;
- what is edited outside the case (a mediator's name, an employer or organisation renamed by an
  administrator, the holiday calendar): ``CASE_PAGE_SECONDS``, ten minutes by default.

Only the parties' pages are kept. Staff pages show the SMS and e-mail deliveries, which the
outbox marks sent with statements of its own, and the staff page is not what people reload
all day.

The forms of a kept page must carry each reader's own CSRF token (a worker signed in on a phone
and a computer has two): the body is rendered with a placeholder in its place, which every
response replaces with the token of its own session.
"""

import hashlib
import hmac
import logging
import zlib
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from threading import Lock
from time import monotonic

import redis
from flask import current_app, g
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from mediation import policy
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Case, User
from mediation.models.cases import new_page_version
from mediation.models.types import utcnow

log = logging.getLogger(__name__)

# Kept pages of this process when there is no Redis (the embedded default, and tests on it):
# about 4 MB of pages of 16 KB.
LOCAL_PAGES = 256

# -- The version: a new one at each commit that writes a row of the case ---------------------

_TOUCHED = "case_pages_touched"
_CREATED = "case_pages_created"


def changed(session: Session, case_id: int) -> None:
    """For a write the flush does not see (a statement of its own): the case's page changes
    at this commit."""
    session.info.setdefault(_TOUCHED, set()).add(case_id)


def _note_touched_cases(session: Session, flush_context) -> None:
    touched = session.info.setdefault(_TOUCHED, set())
    created = session.info.setdefault(_CREATED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        case_id = obj.id if isinstance(obj, Case) else getattr(obj, "case_id", None)
        if case_id is not None:
            touched.add(case_id)
    # A case filed in this transaction has a version of its own and no page kept yet.
    created.update(obj.id for obj in session.new if isinstance(obj, Case))


def _count_the_change(session: Session) -> None:
    session.flush()  # the last changes too
    touched = session.info.pop(_TOUCHED, set()) - session.info.pop(_CREATED, set())
    if touched:
        # Sorted: the rows are locked in the order of the primary key's index, so two
        # commits that touch several cases each wait for one another instead of deadlocking.
        session.execute(
            update(Case)
            .where(Case.id.in_(sorted(touched)))
            .values(page_version=new_page_version())
            .execution_options(synchronize_session=False)
        )


def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_CREATED, None)


_HOOKS = (
    ("after_flush", _note_touched_cases),
    ("before_commit", _count_the_change),
    ("after_rollback", _forget),
)


def count_changes(sessions) -> None:
    """Count the changes of every commit of ``sessions`` (the app's scoped session). Called once
    by the app factory; again (another app in the same process) adds nothing."""
    for name, hook in _HOOKS:
        if not event.contains(sessions, name, hook):
            event.listen(sessions, name, hook)


# -- Where kept pages are --------------------------------------------------------------------


class LocalPages:
    """Pages kept in this process, the least recently used given up first."""

    def __init__(self, size: int):
        self.size = size
        self.pages: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self.lock = Lock()  # gunicorn's threads share the process

    def get(self, key: str) -> str | None:
        with self.lock:
            found = self.pages.get(key)
            if found is None or found[0] <= monotonic():
                self.pages.pop(key, None)
                return None
            self.pages.move_to_end(key)
            return found[1]

    def put(self, key: str, body: str, seconds: float) -> None:
        with self.lock:
            self.pages[key] = (monotonic() + seconds, body)
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


class RedisPages:
    """Pages kept in Redis, shared by every web process; compressed (a case page of 16 KB
    keeps in 5 KB, and Redis holds the pages of every reader)."""

    def __init__(self, url: str):
        self.redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)

    def get(self, key: str) -> str | None:
        found = self.redis.get(key)
        return zlib.decompress(found).decode() if found is not None else None

    def put(self, key: str, body: str, seconds: float) -> None:
        self.redis.set(key, zlib.compress(body.encode(), 1), px=max(1, int(seconds * 1000)))


def _pages():
    app = current_app._get_current_object()
    pages = app.extensions.get("case_pages")
    if pages is None:
        url = app.config.get("REDIS_URL")
        pages = RedisPages(url) if url else LocalPages(LOCAL_PAGES)
        app.extensions["case_pages"] = pages
    return pages


# -- The page --------------------------------------------------------------------------------


def kept_body(case: Case, user: User, render: Callable[[], str]) -> str:
    """The body of ``user``'s page of ``case``: as kept if the case has not changed since,
    otherwise ``render()``, kept for the next view. Whichever, with this session's CSRF token."""
    if not policy.is_party(user, case) or current_app.config["CASE_PAGE_SECONDS"] <= 0:
        return render()
    key = f"case-page:{case.id}:{case.page_version}:{user.id}:{get_locale()}:{local_today()}"
    placeholder = _csrf_placeholder()
    pages = _pages()
    try:
        body = pages.get(key)
    except redis.RedisError:
        log.warning("kept case pages unreachable; the page is rendered", exc_info=True)
        body, pages = None, None
    if body is None:
        body = _render_with_placeholder(render, placeholder)
        seconds = _seconds_kept(case)
        # A render that changed the case (it marked messages read) is not what the next view
        # shows; that view renders under the new version.
        if pages is not None and seconds > 0 and case.id not in db.session.info.get(_TOUCHED, ()):
            try:
                pages.put(key, body, seconds)
            except redis.RedisError:
                log.warning("kept case pages unreachable; the page is not kept", exc_info=True)
    return body.replace(placeholder, generate_csrf())


def _render_with_placeholder(render: Callable[[], str], placeholder: str) -> str:
    # Flask-WTF takes a request's token from ``g`` once it made it (generate_csrf).
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    own = g.pop(field, None)
    setattr(g, field, placeholder)
    try:
        return render()
    finally:
        g.pop(field, None)
        if own is not None:
            setattr(g, field, own)


def _csrf_placeholder() -> str:
    """The same in every process (a page is kept for all of them), and not something a person
    could type into a message for it to be replaced by the reader's token."""
    secret = current_app.secret_key.encode()
    return "csrf-" + hmac.new(secret, b"kept case page", hashlib.sha256).hexdigest()[:32]


def _seconds_kept(case: Case) -> float:
    """Until the next session starts, or CASE_PAGE_SECONDS."""
    now = utcnow()
    ends = [
        now + timedelta(seconds=current_app.config["CASE_PAGE_SECONDS"]),
        *(s.starts_at for s in case.sessions if s.starts_at > now),
    ]
    return (min(ends) - now).total_seconds()
