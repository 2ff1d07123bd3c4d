"""Sending one message: email over SMTP, or the JSON a WeCom, DingTalk or Feishu robot takes.

Each sender raises SendError with a short reason on any failure (network, refusal, or a
robot answering HTTP 200 with an error code); the outbox retries it later.
"""

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import quote_plus, urlsplit

from repairapp.notifications.models import Transport

#: WeCom refuses text over 2,048 bytes; the others take more, but a chat line should be short.
WEBHOOK_MAX_BYTES = 2000


class SendError(Exception):
    """The channel did not take the message; the reason is kept on the delivery."""


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    security: str  # "starttls" | "ssl" | "none"
    user: str
    password: str
    sender: str
    timeout: float = 30

    @classmethod
    def from_config(cls, config) -> "Smtp | None":
        """The configured mail server; None when email is not set up."""
        if not config.get("SMTP_HOST"):
            return None
        return cls(config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_SECURITY"],
                   config["SMTP_USER"], config["SMTP_PASSWORD"], config["MAIL_FROM"])


def send_email(smtp: Smtp, recipients: list[str], subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = smtp.sender, ", ".join(recipients), \
        subject
    message.set_content(body)
    client = smtplib.SMTP_SSL if smtp.security == "ssl" else smtplib.SMTP
    try:
        with client(smtp.host, smtp.port, timeout=smtp.timeout) as server:
            if smtp.security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, smtp.password)
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise SendError(f"SMTP: {error}") from error


def _clip(text: str) -> str:
    return text.encode()[:WEBHOOK_MAX_BYTES].decode(errors="ignore")


def _hmac_b64(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def webhook_request(transport: Transport, url: str, secret: str, text: str,
                    now: float | None = None) -> tuple[str, dict]:
    """The URL and JSON body for a group robot, signed when the robot has a secret."""
    now = time.time() if now is None else now
    text = _clip(text)
    if transport is Transport.WECOM:
        return url, {"msgtype": "text", "text": {"content": text}}
    if transport is Transport.DINGTALK:
        if secret:
            stamp = str(int(now * 1000))
            sign = quote_plus(_hmac_b64(secret.encode(), f"{stamp}\n{secret}".encode()))
            url += ("&" if "?" in url else "?") + f"timestamp={stamp}&sign={sign}"
        return url, {"msgtype": "text", "text": {"content": text}}
    if transport is Transport.FEISHU:
        body: dict = {"msg_type": "text", "content": {"text": text}}
        if secret:
            stamp = str(int(now))
            body |= {"timestamp": stamp, "sign": _hmac_b64(f"{stamp}\n{secret}".encode(), b"")}
        return url, body
    raise ValueError(f"not a webhook transport: {transport}")


def _robot_error(answer: bytes) -> str | None:
    """The error a robot reports inside an HTTP 200 answer, if any."""
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    # WeCom and DingTalk: errcode/errmsg; Feishu: code/msg (older hooks: StatusCode).
    code = data.get("errcode", data.get("code", data.get("StatusCode", 0)))
    if code in (0, None):
        return None
    return f"{code} {data.get('errmsg') or data.get('msg') or data.get('StatusMessage', '')}"


def post_webhook(transport: Transport, url: str, secret: str, text: str,
                 timeout: float = 10) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise SendError("webhook URL must start with http:// or https://")
    url, body = webhook_request(transport, url, secret, text)
    request = urllib.request.Request(
        url, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = response.read(65536)
    except urllib.error.HTTPError as error:
        raise SendError(f"HTTP {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise SendError(str(getattr(error, "reason", error))) from error
    if (problem := _robot_error(answer)) is not None:
        raise SendError(f"{transport.value}: {problem}")
