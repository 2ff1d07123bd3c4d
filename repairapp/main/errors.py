"""Plain error pages in the visitor's language."""

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from repairapp.extensions import db


def register(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(error):
        return render_template("errors/error.html", title=_("Bad request"),
                               message=_("The page could not read what was sent. Go back and "
                                         "try again.")), 400

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/error.html", title=_("Page not found"),
                               message=_("There is nothing at this address. If you scanned a "
                                         "label, check that it is ours and undamaged.")), 404

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return render_template("errors/error.html", title=_("Page expired"),
                               message=_("This form expired. Go back, reload the page and "
                                         "send it again.")), 400

    @app.errorhandler(413)
    def too_large(error):
        return render_template("errors/error.html", title=_("Upload too large"),
                               message=_("The photos are too large to send. Go back and "
                                         "attach smaller ones.")), 413

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_template("errors/error.html", title=_("Something went wrong"),
                               message=_("Nothing was saved. Please try again in a moment.")), 500
