"""Entry point for production servers: ``gunicorn wsgi:app``.

Production unless told otherwise (``MEDIATION_ENV=development``, as ``make run`` does), so a
server started without its settings refuses to start instead of running with development
defaults.
"""

from mediation import create_app
from mediation.config import config_for_environment
from mediation.demo import refuse_in_production

app = create_app(config_for_environment(default="production"))
refuse_in_production(app)
