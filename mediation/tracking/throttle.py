"""The limit on progress lookups: ten tries a minute from one client, the page and the API
together (OWASP ASVS 5.0, V6.3). Enough for a person who mistypes; at that pace a code among
27⁸ (``tracking.codes``) cannot be guessed. Kept where the sign-in limits are kept (Redis in
production, see ``auth.throttle``)."""

from flask import Flask

TRIES = "10 per minute"
THROTTLED = ("track.index", "api.track")


def install(app: Flask) -> None:
    """Call after ``auth.throttle.install``, which sets up the app's limiter."""
    limiter = app.extensions["throttle"]
    tries = limiter.shared_limit(TRIES, scope="track", methods=["POST"])
    for endpoint in THROTTLED:
        app.view_functions[endpoint] = tries(app.view_functions[endpoint])
