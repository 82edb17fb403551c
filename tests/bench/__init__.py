from sqlalchemy.engine import make_url


def libpq_url(app) -> str:
    """The app's database URL in libpq's form, as the bench's tools are given it."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)
