"""The outbox as administrators see it: every SMS and e-mail with its status and tries.

Without a gateway (``make run``), this is the development outbox: nothing leaves the machine,
and this page shows exactly what each phone and mailbox would have received.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from mediation.delivery import outbox as delivery
from mediation.delivery.channels import uses_development_outbox
from mediation.extensions import db
from mediation.models import DeliveryChannel, DeliveryStatus, OutboxMessage
from mediation.paging import page_number
from mediation.translation import gettext as _

PAGE_SIZE = 50


def messages():
    status = request.args.get("status")
    channel = request.args.get("channel")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in DeliveryStatus.__members__:
        query = query.where(OutboxMessage.status == DeliveryStatus(status))
    if channel in DeliveryChannel.__members__:
        query = query.where(OutboxMessage.channel == DeliveryChannel(channel))
    return render_template(
        "admin/outbox.html",
        page=db.paginate(query, page=page_number(PAGE_SIZE), per_page=PAGE_SIZE, error_out=False),
        status=status,
        channel=channel,
        statuses=list(DeliveryStatus),
        channels=list(DeliveryChannel),
        development=uses_development_outbox(current_app),
    )


def retry(message_id: int):
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if message.status is DeliveryStatus.failed:
        delivery.retry(message, actor=current_user)
        flash(_("The message will be sent again."), "success")
    return redirect(url_for("admin.outbox", status="failed"))
