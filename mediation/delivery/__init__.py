"""Reaching people outside the platform: the SMS and e-mail outbox, the channels that carry it,
and the background worker (Celery) that empties it after each commit."""
