"""Sending one message: email over SMTP, or the JSON a WeCom, DingTalk or Feishu robot takes.

Each sender raises SendError with a short reason on any failure (network, refusal, or a
robot answering HTTP 200 with an error code); the outbox retries it later.
"""

import base64
import hashlib
import hmac
import json
import re
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import quote_plus

from repairapp.notifications import egress
from repairapp.notifications.models import Transport

#: WeCom refuses text over 2,048 bytes; the others take more, but a chat line should be short.
WEBHOOK_MAX_BYTES = 2000


class SendError(Exception):
    """The channel did not take the message; the reason is kept on the delivery."""


class AddressNotAllowed(SendError):
    """The webhook URL's host is not a public address (see egress.py)."""


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


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "pdf"


def send_email(smtp: Smtp, recipients: list[str], subject: str, body: str,
               attachments: tuple[Attachment, ...] = ()) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = smtp.sender, ", ".join(recipients), \
        subject
    message.set_content(body)
    for item in attachments:
        message.add_attachment(item.content, maintype=item.maintype, subtype=item.subtype,
                               filename=item.filename)
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


# Ways a chat robot's text could reach a whole group: WeCom and DingTalk "@all", Feishu's
# <at user_id="all"> tag and "@所有人", and the "@everyone" / "@here" / "@全体成员" other chats
# know. Requester and staff text (a fault description, a name) must not ping everybody, so
# the "@" becomes a full-width "＠" and the tag's "<" a full-width "＜". Both are what a
# Chinese keyboard types anyway, so the text reads the same in the chat, stays searchable
# and copyable, and no robot platform treats it as a mention. (A zero-width joiner would
# be invisible but is stripped by some clients, which re-arms the mention.)
_GROUP_MENTION = re.compile(r"@(?=(?:all|everyone|here)(?![a-z0-9_])|所有人|全体成员)",
                            re.IGNORECASE)
_AT_TAG = re.compile(r"<(?=\s*/?\s*at(?![a-z0-9_-]))", re.IGNORECASE)


def quiet_mentions(text: str) -> str:
    """The text with its group-wide mention forms made inert (see above)."""
    return _AT_TAG.sub("＜", _GROUP_MENTION.sub("＠", text))


def _hmac_b64(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def webhook_request(transport: Transport, url: str, secret: str, text: str,
                    now: float | None = None) -> tuple[str, dict]:
    """The URL and JSON body for a group robot, signed when the robot has a secret.

    Always a plain "text" message with no mention fields (no WeCom mentioned_list, no
    DingTalk "at"/isAtAll). Every variable part of the text is requester or staff text
    (the template's own words contain no mention forms), so the whole text is made quiet
    here, at the last step, which also covers messages queued before this rule."""
    now = time.time() if now is None else now
    text = _clip(quiet_mentions(text))
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
    """The error a robot reports inside an HTTP 200 answer, if any: its numeric code and
    its message cut to one short line (the platforms' own words, e.g. WeCom's
    "93000 invalid webhook url"), which tells the admin what to fix. The body of an
    answer that is not 2xx is never shown (egress.post)."""
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
    message = data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or ""
    words = " ".join(str(message).split())
    return f"{str(code)[:12]} {words[:120]}".strip()


def post_webhook(transport: Transport, url: str, secret: str, text: str,
                 allow: list[egress.Network] = (), timeout: float = 10,
                 via: tuple[str, int] | None = None) -> None:
    """Post to a group robot at a public address (or one in `allow`), through the proxy
    `via` if given; SendError saying "address not allowed", "HTTP 502", "connection
    failed" or the robot's error code."""
    url, body = webhook_request(transport, url, secret, text)
    try:
        answer = egress.safe_post(
            url, json.dumps(body, ensure_ascii=False).encode(),
            {"Content-Type": "application/json; charset=utf-8"}, timeout, allow, via)
    except egress.Refused as refused:
        raise AddressNotAllowed(str(refused)) from None
    except egress.Failed as failed:
        raise SendError(str(failed)) from None
    if (problem := _robot_error(answer)) is not None:
        raise SendError(f"{transport.value}: {problem}")
