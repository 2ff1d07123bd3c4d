"""Production refuses to start on a setting that would leave it open, saying which and why."""

import re

import pytest
from security.production import PUBLIC_URL, SECRET, production_env, start


@pytest.mark.parametrize(("env", "message"), [
    ({"REPAIRAPP_ENV": "prod"}, "REPAIRAPP_ENV is 'prod'; use one of: development, production"),
    ({"REPAIRAPP_ENV": "Production"}, "REPAIRAPP_ENV is 'Production'"),
    ({"REPAIRAPP_SECRET_KEY": None}, "REPAIRAPP_SECRET_KEY must be a random value of at least 32"),
    ({"REPAIRAPP_SECRET_KEY": ""}, "REPAIRAPP_SECRET_KEY must be"),
    ({"REPAIRAPP_SECRET_KEY": "dev-only-not-secret"}, "REPAIRAPP_SECRET_KEY must be"),
    ({"REPAIRAPP_SECRET_KEY": SECRET[:31]}, "REPAIRAPP_SECRET_KEY must be"),
    ({"FLASK_DEBUG": "1"}, "Debug mode is refused in production"),
    ({"REPAIRAPP_PUBLIC_URL": None}, "REPAIRAPP_PUBLIC_URL is 'http://127.0.0.1:5000'"),
    ({"REPAIRAPP_PUBLIC_URL": "http://repair.example.com"}, "production needs the https://"),
], ids=["unknown-env", "env-case", "no-secret", "empty-secret", "dev-secret", "31-bytes",
        "debug", "no-public-url", "plain-http"])
def test_a_bad_production_setting_stops_the_start(app, env, message):
    """Each bad setting raises at create_app with a message naming the variable."""
    with pytest.raises(RuntimeError, match=re.escape(message)):
        start(app, production_env(**env))


def test_debug_set_in_the_config_is_refused_too(app):
    """DEBUG given in the config (not only FLASK_DEBUG) is refused in production."""
    with pytest.raises(RuntimeError, match="Debug mode is refused"):
        start(app, production_env(), DEBUG=True)


def test_a_sound_production_start_serves_https_only_cookies_and_its_host(app):
    """A 32-byte secret starts; cookies are HTTPS-only and only the public host is served."""
    started = start(app, production_env(REPAIRAPP_SECURE_COOKIES="0",
                                        REPAIRAPP_EXTRA_HOSTS="old.example.com, lb.internal"))
    assert started.config["SESSION_COOKIE_SECURE"] and started.config["REMEMBER_COOKIE_SECURE"]
    assert started.config["TRUSTED_HOSTS"] == ["repair.example.com", "old.example.com",
                                               "lb.internal"]
    assert started.config["PUBLIC_URL"] == PUBLIC_URL


def test_development_needs_nothing(app):
    """Unset REPAIRAPP_ENV is development: the default secret, plain HTTP, any host."""
    started = start(app, {"REPAIRAPP_ENV": None, "REPAIRAPP_SECRET_KEY": None,
                          "REPAIRAPP_PUBLIC_URL": None, "FLASK_DEBUG": None,
                          "REPAIRAPP_SECURE_COOKIES": None})
    assert started.config["ENVIRONMENT"] == "development"
    assert started.config["TRUSTED_HOSTS"] is None
    assert not started.config["SESSION_COOKIE_SECURE"]
