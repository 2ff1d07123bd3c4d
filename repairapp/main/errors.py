"""Plain error pages in the visitor's language."""

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from repairapp.extensions import db
from repairapp.main import outage

#: error (status code or exception) -> (status, title, message)
PAGES = {
    400: (400, _l("Bad request"),
          _l("The page could not read what was sent. Go back and try again.")),
    CSRFError: (400, _l("Page expired"),
                _l("This form expired. Go back, reload the page and send it again.")),
    404: (404, _l("Page not found"),
          _l("There is nothing at this address. If you scanned a label, check that it is ours "
             "and undamaged.")),
    413: (413, _l("Upload too large"),
          _l("The photos are too large to send. Go back and attach smaller ones.")),
    500: (500, _l("Something went wrong"), _l("Nothing was saved. Please try again in a moment.")),
}


def _handler(status: int, title, message):
    def render(error):
        if status == 500:
            db.session.rollback()
        return render_template("errors/error.html", title=title, message=message), status
    return render


def register(app: Flask) -> None:
    for error, page in PAGES.items():
        app.register_error_handler(error, _handler(*page))
    outage.register(app)  # the database gone for a moment: 503, the form kept
