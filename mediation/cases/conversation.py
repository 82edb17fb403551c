"""The conversation of a case: a joint channel (worker, employer representatives, mediator) and
two caucus channels (背对背) between the mediator and one party each.

Who may read and write which channel is one rule, ``policy.message_channels``; every function
here asks it. Messages are append-only (a correction is a new message) and stop when the case
closes; they stay readable. A message may carry one attachment, checked and stored exactly as
evidence is (``mediation.uploads``). Each message is audited (outside the case's timeline, which
both parties read) and announced to the other participants of its channel without its text.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mediation import policy
from mediation.cases import page_store
from mediation.core import audit
from mediation.core.errors import Invalid
from mediation.core.notifications import notify
from mediation.core.recipients import representatives_of, staff_of
from mediation.extensions import database_kind, db, upsert_insert
from mediation.models import (
    Case,
    CaseMessage,
    MessageChannel,
    MessageRead,
    Role,
    StoredFile,
    User,
)
from mediation.models.types import utcnow
from mediation.translation import lazy_gettext as _l
from mediation.uploads import StoredFile as CheckedFile

# Long enough for a careful account of a dispute, short enough to read on a phone; longer
# statements belong in an attachment or in evidence.
MAX_TEXT_LENGTH = 5000

TEXT_REQUIRED = _l("Write your message.")
TEXT_TOO_LONG = _l(
    "A message has at most %(max)d characters; this one has %(length)d. Shorten it, send it in "
    "parts, or attach it as a PDF."
)


def text_problems(text: str | None) -> list:
    """What is wrong with a message's text, in the reader's words (none: it can be sent)."""
    text = (text or "").strip()
    if not text:
        return [TEXT_REQUIRED]
    if len(text) > MAX_TEXT_LENGTH:
        return [TEXT_TOO_LONG % {"max": MAX_TEXT_LENGTH, "length": len(text)}]
    return []


def _staff_answering(case: Case) -> list[User]:
    """The case's mediator; before one is assigned (or after the case moved on from them),
    the staff of the organisation holding the case."""
    mediator = case.mediator
    if mediator is not None and policy.is_case_staff(mediator, case):
        return [mediator]
    return staff_of(case.organization)


def participants(case: Case, channel: MessageChannel) -> list[User]:
    """The accounts a message in ``channel`` is for. A walk-in applicant without an account
    has no way to read messages, so is not among them."""
    people = list(_staff_answering(case))
    if channel in (MessageChannel.joint, MessageChannel.applicant) and case.applicant:
        people.append(case.applicant)
    if channel in (MessageChannel.joint, MessageChannel.respondent):
        people.extend(representatives_of(case.employer))
    return people


def check_message(case: Case, *, actor: User, channel: MessageChannel, text: str | None) -> None:
    """Whether ``actor`` may send ``text`` to ``channel`` now: ``NotPermitted`` (not their
    channel), ``Refused`` (the case is closed) or ``Invalid`` (the text). Views ask before they
    store an attachment, so that a refused message leaves no file behind."""
    policy.require_message_channel(actor, case, channel, writing=True)
    problems = text_problems(text)
    if problems:
        raise Invalid({"text": problems})


def post_message(
    case: Case,
    *,
    actor: User,
    channel: MessageChannel,
    text: str,
    attachment: CheckedFile | None = None,
) -> CaseMessage:
    """Append a message to ``channel`` of ``case``; ``attachment`` is a file already checked and
    stored by ``mediation.uploads.store_upload`` (after ``check_message``)."""
    check_message(case, actor=actor, channel=channel, text=text)
    stored = None
    if attachment is not None:
        stored = StoredFile(
            case_id=case.id,
            stored_name=attachment.stored_name,
            original_name=attachment.original_name,
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
            uploaded_by_id=actor.id,
        )
        db.session.add(stored)
    message = CaseMessage(
        case_id=case.id,
        channel=channel,
        author_id=actor.id,
        author_role=actor.role.value,
        text=text.strip(),
        attachment=stored,
    )
    db.session.add(message)
    db.session.flush()
    _advance_read_mark(actor, case, channel, message.id)  # one's own words are read
    # Not a case event: the timeline is read by both parties, and caucus is private.
    audit.record(
        "message.posted",
        actor=actor,
        subject=message,
        case_id=case.id,
        channel=channel.value,
        attachment_id=stored.id if stored else None,
    )
    others = [person for person in participants(case, channel) if person.id != actor.id]
    notify(others, "new_message", case)
    return message


@dataclass(frozen=True)
class ChannelView:
    """One channel as a reader sees it: its messages oldest first, and how far the reader had
    read it before now."""

    channel: MessageChannel
    messages: list[CaseMessage]
    last_read_id: int
    reader_id: int

    def is_new(self, message: CaseMessage) -> bool:
        return message.id > self.last_read_id and message.author_id != self.reader_id

    @staticmethod
    def author_title(message: CaseMessage):
        """The author's role when they wrote it: Worker, Employer representative, Mediator."""
        return Role(message.author_role).title

    @property
    def unread(self) -> int:
        return sum(1 for message in self.messages if self.is_new(message))

    @property
    def title(self):
        return self.channel.title


def read_marks(case: Case, user: User) -> dict[MessageChannel, int]:
    rows = db.session.execute(
        select(MessageRead.channel, MessageRead.last_read_id).where(
            MessageRead.user_id == user.id, MessageRead.case_id == case.id
        )
    )
    return {MessageChannel(channel): last_read for channel, last_read in rows}


def conversation(
    case: Case, user: User, channel: MessageChannel | None = None
) -> list[ChannelView]:
    """The channels ``user`` may read (or only ``channel``, which ``NotPermitted`` refuses when
    it is not theirs), each with its messages, oldest first."""
    channels = policy.message_channels(user, case)
    if channel is not None:
        policy.require_message_channel(user, case, channel)
        channels = (channel,)
    if not channels:
        return []
    messages = db.session.scalars(
        select(CaseMessage)
        .options(joinedload(CaseMessage.author), joinedload(CaseMessage.attachment))
        .where(CaseMessage.case_id == case.id, CaseMessage.channel.in_(channels))
        .order_by(CaseMessage.id)
    ).all()
    marks = read_marks(case, user)
    return [
        ChannelView(
            channel=each,
            messages=[message for message in messages if message.channel == each],
            last_read_id=marks.get(each, 0),
            reader_id=user.id,
        )
        for each in channels
    ]


def mark_read(user: User, case: Case, views: Iterable[ChannelView]) -> None:
    """``user`` has now seen every message of ``views``."""
    for view in views:
        if view.messages and view.messages[-1].id > view.last_read_id:
            _advance_read_mark(user, case, view.channel, view.messages[-1].id)


def _advance_read_mark(user: User, case: Case, channel: MessageChannel, message_id: int) -> None:
    """Move the read mark forward, never back; two tabs doing it at once do not collide."""
    # The reader's page marks what is new to them: a write the flush does not see.
    page_store.changed(db.session, case.id)
    db.session.execute(
        _read_mark_upsert(database_kind()),
        {
            "user_id": user.id,
            "case_id": case.id,
            "channel": channel,
            "last_read_id": message_id,
            "read_at": utcnow(),
        },
    )


@cache
def _read_mark_upsert(kind: str):
    marks = MessageRead.__table__
    statement = upsert_insert(marks, kind)
    return statement.on_conflict_do_update(
        index_elements=[marks.c.user_id, marks.c.case_id, marks.c.channel],
        set_={
            "last_read_id": statement.excluded.last_read_id,
            "read_at": statement.excluded.read_at,
        },
        where=marks.c.last_read_id < statement.excluded.last_read_id,
    )


def unread_counts(case: Case, user: User) -> dict[MessageChannel, int]:
    """Messages by others that ``user`` has not seen yet, per channel they may read (the same
    rule as the page's "new" marks: ``ChannelView.is_new``)."""
    return {view.channel: view.unread for view in conversation(case, user)}


def load_message(case: Case, user: User, message_id: int) -> CaseMessage | None:
    """One message of ``case`` in a channel ``user`` may read; None otherwise (the caller
    answers 404: a message of the other party's caucus does not exist for them)."""
    channels = policy.message_channels(user, case)
    if not channels:
        return None
    return db.session.scalar(
        select(CaseMessage).where(
            CaseMessage.id == message_id,
            CaseMessage.case_id == case.id,
            CaseMessage.channel.in_(channels),
        )
    )
