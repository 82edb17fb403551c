import pytest

from mediation.delivery.channels import install_channels
from tests.delivery.gateway import Gateway


@pytest.fixture
def gateway(app):
    """The app sends its SMS to a real HTTP server for the test's length."""
    server = Gateway()
    app.config.update(SMS_GATEWAY_URL=server.url, SMS_GATEWAY_TOKEN="gateway-secret")
    install_channels(app)
    yield server
    app.config.update(SMS_GATEWAY_URL=None, SMS_GATEWAY_TOKEN=None)
    install_channels(app)
    server.close()
