"""repairapp: QR-code repair requests for serviced equipment."""

from flask import Flask, request
from flask_login import current_user
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from repairapp import config
from repairapp.extensions import babel, compress, csrf, db, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: settings, extensions, blueprints, error pages, CLI."""
    app = Flask(
        __name__,
        template_folder=str(config.ROOT / "templates"),
        static_folder=str(config.ROOT / "static"),
        instance_path=str(config.ROOT / "instance"),
    )
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    config.settle(app.config)  # refuses an unknown environment, a weak secret, debug in production
    _ensure_instance_folder(app)
    if app.config["PROXY_HOPS"]:  # the client's address, for rate limits, from the proxy
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"],
                                x_proto=app.config["PROXY_HOPS"])
    _register_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    app.after_request(_security_headers)
    # A Host not in TRUSTED_HOSTS (production): a bare 400, since no page or link can be
    # built for a host we do not serve.
    app.register_error_handler(SecurityError, lambda error: ("Unknown host", 400,
                                                             {"Content-Type": "text/plain"}))
    return app


# Everything a page needs comes from this host: a pasted fake label cannot pull in scripts,
# and the scan page stays inside one round trip.
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
       "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


#: Browsers that once reached us over HTTPS never try plain HTTP again for a year.
HSTS = "max-age=31536000"


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:  # behind a proxy: X-Forwarded-Proto, trusted with PROXY_HOPS
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if _private(response):
        response.headers["Cache-Control"] = "no-store"
    # Pages differ by language (cookie or browser), so caches must keep them apart.
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _private(response) -> bool:
    """Kept in no cache, not even the browser's (a shared phone or PC, its back button): staff
    pages, tracking pages (their address is the requester's key) and downloads. A view that
    chose `private` caching itself (a ticket's photos, which never change) keeps it."""
    if request.endpoint == "static" or response.cache_control.private:
        return False
    return (request.blueprint in ("tracking", "servicereports", "jobreports")
            or response.headers.get("Content-Disposition", "").startswith("attachment")
            or current_user.is_authenticated)


def _ensure_instance_folder(app: Flask) -> None:
    import os

    os.makedirs(app.instance_path, exist_ok=True)


def _register_extensions(app: Flask) -> None:
    from repairapp import i18n, logs, wording
    from repairapp.accounts import auth
    from repairapp.health import routes as health
    from repairapp.main import form_errors, links, static_files, widgets

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.ROOT / "migrations"),
                     render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    compress.init_app(app)
    auth.init_login(app, login_manager)
    i18n.init_app(app)
    form_errors.init_app(app)
    widgets.install()  # WTForms' attributes written cheaper, the same HTML
    wording.init_app(app)
    links.init_app(app)
    static_files.init_app(app)
    health.init_app(app)
    logs.init_app(app)  # last: its request line wraps everything above


def _register_blueprints(app: Flask) -> None:
    from repairapp.accounts.routes import bp as accounts_bp
    from repairapp.assets.routes import bp as assets_bp
    from repairapp.billing.routes import bp as billing_bp
    from repairapp.contracts.routes import bp as contracts_bp
    from repairapp.customers.routes import bp as customers_bp
    from repairapp.dispatch.routes import bp as dispatch_bp
    from repairapp.followups.routes import bp as followups_bp
    from repairapp.health.routes import bp as health_bp
    from repairapp.intake.routes import bp as intake_bp
    from repairapp.jobreports.routes import bp as jobreports_bp
    from repairapp.jobs.routes import bp as jobs_bp
    from repairapp.labels.routes import bp as labels_bp
    from repairapp.main import errors
    from repairapp.main.routes import bp as main_bp
    from repairapp.maintenance.routes import bp as maintenance_bp
    from repairapp.manager.routes import bp as manager_bp
    from repairapp.notifications.routes import bp as notifications_bp
    from repairapp.parts.routes import bp as parts_bp
    from repairapp.quotes.routes import bp as quotes_bp
    from repairapp.reports.routes import bp as reports_bp
    from repairapp.servicereports.routes import bp as servicereports_bp
    from repairapp.sla.routes import bp as sla_bp
    from repairapp.tickets.routes import bp as tickets_bp
    from repairapp.tracking.routes import bp as tracking_bp

    for bp in (main_bp, accounts_bp, intake_bp, tracking_bp, tickets_bp, jobs_bp, dispatch_bp,
               labels_bp, assets_bp, customers_bp, contracts_bp, sla_bp, followups_bp,
               notifications_bp):
        app.register_blueprint(bp)
    app.register_blueprint(manager_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(servicereports_bp)
    app.register_blueprint(billing_bp)
    app.register_blueprint(parts_bp)
    app.register_blueprint(quotes_bp)
    app.register_blueprint(jobreports_bp)
    app.register_blueprint(maintenance_bp)
    app.register_blueprint(health_bp)
    errors.register(app)


def _register_cli(app: Flask) -> None:
    from repairapp.demo import demo_cli
    from repairapp.labels.cli import labels_command
    from repairapp.ops.cli import backup_command, restore_command
    from repairapp.reports.cli import reports_cli
    from repairapp.sla.cli import sla_cli
    from repairapp.tickets.cli import tickets_cli

    app.cli.add_command(demo_cli)
    app.cli.add_command(tickets_cli)
    app.cli.add_command(labels_command)
    app.cli.add_command(sla_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(reports_cli)
