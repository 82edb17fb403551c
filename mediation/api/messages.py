"""API v1 for a case's conversation: what the caller may read, and a new message.

``GET /cases/{case_id}/messages`` lists the channels the caller may read (or one, with
``?channel=``) and marks them read, as the case page does; ``POST`` appends a message. Who may
use which channel is ``policy.message_channels``: 404 for a case the caller cannot see, 403 for
a channel that is not theirs, 409 once the case is closed, 422 for bad input.
"""

from typing import Annotated

from flask import request
from flask_login import current_user
from pydantic import BaseModel, Field

from mediation import policy
from mediation.api import serialise
from mediation.api.openapi import operation
from mediation.api.request import json_body
from mediation.api.schemas import Answer, Timestamp
from mediation.cases import conversation
from mediation.cases.conversation import MAX_TEXT_LENGTH, ChannelView
from mediation.cases.loading import load_case
from mediation.core.errors import Invalid, NotPermitted, Refused
from mediation.core.fields import FILLED, FILLED_SCHEMA, one_of
from mediation.core.schemas import Body, parse
from mediation.models import CaseMessage, MessageChannel
from mediation.translation import lazy_gettext as _l

CHANNEL_DESCRIPTION = (
    "joint: everyone; applicant: the mediator and the worker only; respondent: the mediator "
    "and the employer only (背对背)"
)

# -- Bodies and answers ------------------------------------------------------------------------


class MessagePost(Body):
    """A message to one channel of the case's conversation (append-only: a correction is a new
    message)."""

    text: Annotated[str, Field(max_length=MAX_TEXT_LENGTH), FILLED, FILLED_SCHEMA]
    channel: Annotated[
        MessageChannel, one_of(MessageChannel), Field(description=CHANNEL_DESCRIPTION)
    ]


class MessagesQuery(BaseModel):
    channel: MessageChannel | None = Field(None, description="Only this channel")


class MessageAttachment(Answer):
    name: str = Field(description="The file's original name")
    content_type: str
    size: int = Field(description="Bytes")


class Message(Answer):
    """One message of the case's conversation."""

    id: int
    channel: MessageChannel
    author: str = Field(description="The author's name")
    author_role: str = Field(description="worker, employer_rep, mediator or court_liaison")
    mine: bool = Field(description="Written by the caller")
    unread: bool = Field(description="Not seen by the caller before this answer")
    text: str
    attachment: MessageAttachment | None = Field(
        description="Downloaded, signed in, from the case page"
    )
    sent_at: Timestamp


class MessageList(Answer):
    """The messages the caller may read, oldest first."""

    channels: list[MessageChannel] = Field(description="The channels the caller may use")
    items: list[Message]


def _message(item: CaseMessage, view: ChannelView | None, reader_id: int) -> Message:
    attachment = item.attachment
    return Message(
        id=item.id,
        channel=item.channel,
        author=item.author.name,
        author_role=item.author_role,
        mine=item.author_id == reader_id,
        unread=view.is_new(item) if view else False,
        text=item.text,
        attachment=None
        if attachment is None
        else MessageAttachment(
            name=attachment.original_name,
            content_type=attachment.content_type,
            size=attachment.size,
        ),
        sent_at=item.sent_at,
    )


def _channel_asked() -> MessageChannel | None:
    """``?channel=``, or None for every channel the caller may read."""
    value = request.args.get("channel")
    if not value:
        return None
    if value not in MessageChannel._value2member_map_:
        choices = ", ".join(item.value for item in MessageChannel)
        raise Invalid({"channel": [_l("Not one of: %(choices)s.", choices=choices)]})
    return MessageChannel(value)


# -- Views -------------------------------------------------------------------------------------


@operation(
    "The case's messages the caller may read, oldest first (they are marked read)",
    query=MessagesQuery,
    answers={200: MessageList},
    errors=(404, 422),
)
def list_messages(case_id: int):
    case = load_case(case_id)
    channels = policy.message_channels(current_user, case)
    if not channels:
        raise NotPermitted("message_channel")
    views = conversation.conversation(case, current_user, _channel_asked())
    conversation.mark_read(current_user, case, views)
    items = [_message(item, view, current_user.id) for view in views for item in view.messages]
    items.sort(key=lambda message: message.id)
    return serialise.answer(MessageList(channels=list(channels), items=items))


@operation(
    "Send a message to a channel of the case's conversation",
    body=MessagePost,
    answers={201: Message},
    errors=(404, 409, 422),
)
def post_message(case_id: int):
    case = load_case(case_id)
    if not policy.message_channels(current_user, case):
        raise NotPermitted("message_channel")
    if not case.is_open:
        raise Refused("conversation_closed")
    body = parse(MessagePost, json_body())
    message = conversation.post_message(
        case, actor=current_user, channel=body.channel, text=body.text
    )
    return serialise.answer(_message(message, None, current_user.id), 201)
