"""The ways a message leaves the platform: an SMS gateway over HTTP, SMTP, or the development
outbox (nothing leaves; an admin reads the messages at /admin/outbox).

Each sender has one method, ``send(message)``, and raises ``DeliveryFailed`` when the message
was not accepted; the outbox then retries it later.
"""

import http.client
import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage

from flask import Flask
from werkzeug.utils import import_string

from mediation.models import DeliveryChannel, OutboxMessage


class DeliveryFailed(Exception):
    """The channel did not accept the message; the text says why, for staff."""


class SmsGateway:
    """An HTTP gateway that takes ``{"id", "phone", "text"}`` as JSON; any 2xx is acceptance.

    A provider with an API of its own (Aliyun, Tencent Cloud) is a subclass that overrides
    ``request_for`` (and ``accepted`` when its 2xx answer can still mean refusal); see the
    README. The ``id`` is the outbox message id, the same on every retry, so a gateway that
    got a message whose answer was lost can drop the second copy.
    """

    def __init__(self, url: str, token: str | None = None, timeout: float = 10) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout

    def request_for(self, message: OutboxMessage) -> urllib.request.Request:
        body = {"id": message.message_id, "phone": message.recipient, "text": message.body}
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return urllib.request.Request(
            self.url, data=json.dumps(body, ensure_ascii=False).encode(), headers=headers
        )

    def accepted(self, status: int, body: bytes) -> bool:
        return 200 <= status < 300

    def send(self, message: OutboxMessage) -> None:
        try:
            with urllib.request.urlopen(self.request_for(message), timeout=self.timeout) as answer:
                status, body = answer.status, answer.read(2000)
        except urllib.error.HTTPError as error:
            raise DeliveryFailed(f"gateway answered HTTP {error.code}") from None
        except (OSError, http.client.HTTPException, ValueError) as error:
            # Refused or reset connections, timeouts, and answers that are not HTTP at all.
            raise DeliveryFailed(f"gateway unreachable: {type(error).__name__}: {error}") from None
        if not self.accepted(status, body):
            raise DeliveryFailed(f"gateway refused the message: HTTP {status} {body[:200]!r}")


class SmtpMailer:
    def __init__(self, config) -> None:
        self.config = config

    def send(self, message: OutboxMessage) -> None:
        config = self.config
        email = EmailMessage()
        email["From"] = config["MAIL_FROM"]
        email["To"] = message.recipient
        email["Subject"] = message.subject
        email["Message-ID"] = f"<{message.message_id}@{config['MAIL_FROM'].split('@')[-1]}>"
        email.set_content(message.body)
        try:
            with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
                if config["SMTP_STARTTLS"]:
                    smtp.starttls()
                if config["SMTP_USERNAME"]:
                    smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(f"mail server: {type(error).__name__}: {error}") from None


class DevelopmentOutbox:
    """Keeps the message where it is: the development outbox page shows it as sent."""

    def send(self, message: OutboxMessage) -> None:
        return None


def install_channels(app: Flask) -> None:
    """The sender of each channel, from the configuration; without a gateway or a mail
    server, the development outbox (production refuses to start that way: see config)."""
    config = app.config
    sms = (
        import_string(config["SMS_GATEWAY_CLASS"])(
            config["SMS_GATEWAY_URL"],
            config["SMS_GATEWAY_TOKEN"],
            config["SMS_GATEWAY_TIMEOUT"],
        )
        if config["SMS_GATEWAY_URL"]
        else DevelopmentOutbox()
    )
    email = SmtpMailer(config) if config["SMTP_HOST"] else DevelopmentOutbox()
    app.extensions["delivery_channels"] = {DeliveryChannel.sms: sms, DeliveryChannel.email: email}


def uses_development_outbox(app: Flask) -> bool:
    return any(
        isinstance(sender, DevelopmentOutbox)
        for sender in app.extensions["delivery_channels"].values()
    )
