from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mediation.core import notifications
from mediation.extensions import db
from mediation.i18n import human_datetime
from mediation.localtime import local_today
from mediation.models import Notification

SHOWN = 100


def index():
    items = db.session.scalars(
        select(Notification)
        .options(joinedload(Notification.case))
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.id.desc())
        .limit(SHOWN)
    ).all()
    # What the page shows is read once shown; it still marks which of them were new.
    new = {item.id for item in items if item.read_at is None}
    notifications.mark_shown_read(current_user, new)
    today = local_today()
    return render_template(
        "notifications/index.html",
        items=items,
        new=new,
        more_unread=notifications.unread_count(current_user),
        render=lambda item: notifications.render(item.kind, item.params, today=today),
        human_datetime=human_datetime,
    )


def mark_read():
    notifications.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))
