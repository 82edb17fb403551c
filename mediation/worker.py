"""The Celery application for ``celery -A mediation.worker worker`` and ``… beat``.

Production unless told otherwise, like ``wsgi.py``."""

from mediation import create_app
from mediation.config import config_for_environment
from mediation.delivery.tasks import make_celery
from mediation.demo import refuse_in_production
from mediation.retention import sweep as retention

flask_app = create_app(config_for_environment(default="production"))
refuse_in_production(flask_app)
celery = flask_app.extensions.get("celery") or make_celery(flask_app)

# The retention sweep (mediation.retention), once a day beside the jobs of delivery.tasks.
celery.task(name=retention.TASK)(retention.run_job)
celery.conf.beat_schedule = {
    **celery.conf.beat_schedule,
    "retention": {"task": retention.TASK, "schedule": retention.SCHEDULE},
}
