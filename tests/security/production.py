"""An app started the way production starts it (REPAIRAPP_ENV=production and a sound
environment), and a client that reaches it the way phones do: over HTTPS, at its public host."""

import pytest
from flask import Flask

from conftest import IsolatedClient
from repairapp import create_app

HOST = "repair.example.com"
PUBLIC_URL = f"https://{HOST}"
SECRET = "0123456789abcdef0123456789abcdef"  # 32 bytes: the shortest accepted


def production_env(**overrides: str | None) -> dict[str, str | None]:
    """The environment of a sound production start; an override of None unsets a variable."""
    return {"REPAIRAPP_ENV": "production", "REPAIRAPP_SECRET_KEY": SECRET,
            "REPAIRAPP_PUBLIC_URL": PUBLIC_URL, "REPAIRAPP_EXTRA_HOSTS": None,
            "FLASK_DEBUG": None, **overrides}


def start(test_app: Flask, env: dict[str, str | None], **config) -> Flask:
    """create_app under `env`, on the test database (the environment is read at start only)."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            if value is None:
                mp.delenv(name, raising=False)
            else:
                mp.setenv(name, value)
        app = create_app({"TESTING": True, **config,
                          "SQLALCHEMY_DATABASE_URI": test_app.config["SQLALCHEMY_DATABASE_URI"],
                          "RATE_LIMIT_FILING": "", "RATE_LIMIT_LOGIN": "",
                          "RATE_LIMIT_LOGIN_ACCOUNT": ""})
    app.test_client_class = HttpsClient
    return app


class HttpsClient(IsolatedClient):
    """Requests go to https://repair.example.com and posts carry the same-origin Referer a
    browser sends (Flask-WTF checks it over HTTPS)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", PUBLIC_URL)
        headers = {"Referer": f"{PUBLIC_URL}/", **dict(kwargs.pop("headers", None) or {})}
        return super().open(*args, headers=headers, **kwargs)
