from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mediation.core import notifications
from mediation.extensions import db
from mediation.models import Notification


def index():
    items = db.session.scalars(
        select(Notification)
        .options(joinedload(Notification.case))
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.id.desc())
        .limit(100)
    ).all()
    return render_template("notifications/index.html", items=items, render=notifications.render)


def mark_read():
    notifications.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))
