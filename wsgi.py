"""Entry point for production servers: ``gunicorn wsgi:app``."""

from mediation import create_app

app = create_app()
