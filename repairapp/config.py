"""Settings from the environment; development defaults need nothing."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-not-secret"  # noqa: S105 -- named so production can refuse it
#: REPAIRAPP_ENV's values; unset means development.
ENVIRONMENTS = ("development", "production")
#: A signing key shorter than this (bytes) is refused in production.
MIN_SECRET_BYTES = 32


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'repairapp.sqlite3'}"
    # Heroku-style URLs name the old driver; we ship psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: str) -> dict:
    """Build the Flask config mapping from REPAIRAPP_* variables and DATABASE_URL."""
    env = os.environ.get
    max_days = float(env("REPAIRAPP_SESSION_MAX_DAYS", "7"))
    return {
        "ENVIRONMENT": env("REPAIRAPP_ENV") or "development",
        "SECRET_KEY": env("REPAIRAPP_SECRET_KEY", DEV_SECRET),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        # hide_parameters: no SQL parameter (a phone number, a name) in a log line or an
        # error message, even with SQLAlchemy's logging at DEBUG (repairapp/logs.py).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        #: json or text; unset: json in production, text in development (repairapp/logs.py).
        "LOG_FORMAT": env("REPAIRAPP_LOG_FORMAT", ""),
        # Three phone photos plus text; the phone downscales first when it can.
        "MAX_CONTENT_LENGTH": int(env("REPAIRAPP_MAX_UPLOAD_MB", "40")) * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        # A requester may take a while with the form open; the token lives as long as the session.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # HTTPS-only cookies (always in production, see `settle`).
        "SESSION_COOKIE_SECURE": env("REPAIRAPP_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_SECURE": env("REPAIRAPP_SECURE_COOKIES", "0") == "1",
        # A staff log-in ends after this long unused, and this long after logging in however
        # busy (checked on the server, see accounts/sessions.py): a weekend off, a working week.
        "SESSION_IDLE_HOURS": float(env("REPAIRAPP_SESSION_IDLE_HOURS", "72")),
        "SESSION_MAX_DAYS": max_days,
        # The cookie itself (CSRF token, flashes, a form kept across log-in) outlives the
        # log-in inside it, so a form posted just after the log-in ended can be kept.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=max(31.0, max_days + 1)),
        # Remember-me is not offered; were it ever used, it could not outlast a log-in.
        "REMEMBER_COOKIE_DURATION": timedelta(days=max_days),
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "repairapp" / "translations"),
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript",
                               "application/javascript", "image/svg+xml"],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 256,
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        #: The address printed labels point at. Labels live for years: choose it for good.
        "PUBLIC_URL": env("REPAIRAPP_PUBLIC_URL", "http://127.0.0.1:5000"),
        #: Host names served besides PUBLIC_URL's in production (e.g. an old domain).
        "EXTRA_HOSTS": [h.strip() for h in env("REPAIRAPP_EXTRA_HOSTS", "").split(",")
                        if h.strip()],
        "VENDOR_NAME": env("REPAIRAPP_VENDOR_NAME", "RepairApp Service"),
        "VENDOR_HOTLINE": env("REPAIRAPP_VENDOR_HOTLINE", "400-000-0000"),
        # A PNG or JPEG file: the vendor's logo on the customer's service report (optional).
        "VENDOR_LOGO": env("REPAIRAPP_VENDOR_LOGO", ""),
        "PHOTO_MAX_PIXELS": int(env("REPAIRAPP_PHOTO_MAX_PIXELS", "1600")),
        # Photo decodes one process runs at once (its threads share them, ~100 MB each), and
        # the seconds a request waits for one before the form asks to send again.
        "PHOTO_DECODES": int(env("REPAIRAPP_PHOTO_DECODES", "2")),
        "PHOTO_DECODE_WAIT": float(env("REPAIRAPP_PHOTO_DECODE_WAIT", "5")),
        # Per-incident terms for work outside coverage, tax included (e.g. 6 % VAT).
        "FEE_REMOTE": Decimal(env("REPAIRAPP_FEE_REMOTE", "300.00")),
        "FEE_VISIT": Decimal(env("REPAIRAPP_FEE_VISIT", "800.00")),
        "FEE_PERSON_DAY": Decimal(env("REPAIRAPP_FEE_PERSON_DAY", "2000.00")),
        "TAX_RATE_PERCENT": Decimal(env("REPAIRAPP_TAX_RATE_PERCENT", "6")),
        # Resolved tickets the requester never confirms close themselves after this many days.
        "AUTOCLOSE_DAYS": int(env("REPAIRAPP_AUTOCLOSE_DAYS", "7")),
        # A closed ticket's follow-up call (and a complaint's answer) is due this many days on.
        "FOLLOWUP_DAYS": int(env("REPAIRAPP_FOLLOWUP_DAYS", "3")),
        #: How far ahead `flask sla sweep` plans maintenance visits (docs/maintenance.md).
        "MAINTENANCE_HORIZON_DAYS": int(env("REPAIRAPP_MAINTENANCE_HORIZON_DAYS", "60")),
        # Rate limits ("N/period"; empty: off), counted in the database for every worker:
        # requests filed or added to from one address, log-ins per address and per account.
        "RATE_LIMIT_FILING": env("REPAIRAPP_RATE_LIMIT_FILING", "20/10 minutes"),
        "RATE_LIMIT_LOGIN": env("REPAIRAPP_RATE_LIMIT_LOGIN", "10/minute"),
        "RATE_LIMIT_LOGIN_ACCOUNT": env("REPAIRAPP_RATE_LIMIT_LOGIN_ACCOUNT", "20/hour"),
        # Reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none).
        "PROXY_HOPS": int(env("REPAIRAPP_PROXY_HOPS", "0")),
        # Warn the assignee once this share of a deadline's working time is used up.
        "NOTIFY_SOON_PERCENT": int(env("REPAIRAPP_NOTIFY_SOON_PERCENT", "75")),
        # Outgoing mail; no host means no email (group-chat robots still work).
        "SMTP_HOST": env("REPAIRAPP_SMTP_HOST", ""),
        "SMTP_PORT": int(env("REPAIRAPP_SMTP_PORT", "587")),
        "SMTP_SECURITY": env("REPAIRAPP_SMTP_SECURITY", "starttls"),  # starttls | ssl | none
        "SMTP_USER": env("REPAIRAPP_SMTP_USER", ""),
        "SMTP_PASSWORD": env("REPAIRAPP_SMTP_PASSWORD", ""),
        "MAIL_FROM": env("REPAIRAPP_MAIL_FROM", "repairapp@localhost"),
        # Group-robot webhooks reach public addresses only; these networks (CIDRs, commas)
        # are allowed anyway, e.g. an on-premises robot gateway. Empty: none.
        "WEBHOOK_ALLOW_NETWORKS": env("REPAIRAPP_WEBHOOK_ALLOW_NETWORKS", ""),
        # http://host:port: robot requests go through this proxy (CONNECT to the checked
        # address). HTTPS_PROXY and friends are ignored: they would bypass the check.
        "WEBHOOK_PROXY": env("REPAIRAPP_WEBHOOK_PROXY", ""),
    }


def settle(config: dict) -> None:
    """Check the final settings (environment and test overrides merged) and derive
    production's: it refuses to start on a setting that would leave it open."""
    name = config["ENVIRONMENT"]
    if name not in ENVIRONMENTS:
        raise RuntimeError(f"REPAIRAPP_ENV is {name!r}; use one of: {', '.join(ENVIRONMENTS)} "
                           "(unset means development).")
    if name != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET or len(secret.encode()) < MIN_SECRET_BYTES:
        raise RuntimeError(
            f"REPAIRAPP_SECRET_KEY must be a random value of at least {MIN_SECRET_BYTES} bytes "
            "in production (not empty, not the development one), e.g. the output of "
            "python3 -c 'import secrets; print(secrets.token_hex(32))'.")
    if config.get("DEBUG"):
        raise RuntimeError("Debug mode is refused in production (it runs code sent from the "
                           "browser): unset FLASK_DEBUG and drop --debug.")
    public = urlsplit(config["PUBLIC_URL"])
    if public.scheme != "https" or not public.hostname:
        raise RuntimeError(f"REPAIRAPP_PUBLIC_URL is {config['PUBLIC_URL']!r}; production needs "
                           "the https:// address people and labels use (its cookies are "
                           "HTTPS-only, and only its host is served).")
    config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True
    if config.get("TRUSTED_HOSTS") is None:  # other Host headers get 400
        config["TRUSTED_HOSTS"] = [public.hostname, *config["EXTRA_HOSTS"]]
