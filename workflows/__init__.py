"""Pure-Python state machines, clocks and routing rules.

Nothing in this package imports Flask, SQLAlchemy or anything from ``mediation``: the
application depends on the workflows, never the other way round.
"""
