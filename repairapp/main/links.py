"""Absolute links. They are built on REPAIRAPP_PUBLIC_URL, never on the request's Host
header, which the client chooses: a forged Host must not end up in a link we show or send."""

from urllib.parse import urlsplit

from flask import Flask, current_app


def url_on(base_url: str, endpoint: str, **values) -> str:
    """An absolute link to `endpoint` on `base_url` (no request needed: cron, CLI, mail)."""
    base = urlsplit(base_url)
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def public_url_for(endpoint: str, **values) -> str:
    """`url_for(..., _external=True)` on the public address (a Jinja global too)."""
    return url_on(current_app.config["PUBLIC_URL"], endpoint, **values)


def local_path(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default`: a `next` parameter must not
    send anyone elsewhere. Browsers read a backslash as a slash ("/\\evil.example" is
    "//evil.example", another host), and a control character can hide either."""
    if (not target or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(c) < 32 for c in target)
            or urlsplit(target).netloc):
        return default
    return target


def init_app(app: Flask) -> None:
    app.jinja_env.globals["public_url_for"] = public_url_for
