"""Home and the language switch."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from repairapp.extensions import db
from repairapp.i18n import LANG_COOKIE, LANGUAGES
from repairapp.main import cookies
from repairapp.main.links import local_path

bp = Blueprint("main", __name__)


@bp.before_app_request
def _refuse_nul_bytes():
    """No real visitor sends NUL; PostgreSQL text cannot hold it, so refuse it up front."""
    values = [request.path, *(v for _k, v in request.args.items(multi=True))]
    if request.method == "POST":
        values += [v for _k, v in request.form.items(multi=True)]
    if any("\x00" in value for value in values):
        abort(400)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("tickets.index"))
    return redirect(url_for("accounts.login"))


@bp.get("/lang/<code>")
def confirm_language(code: str):
    """An old link to the switch (bookmarked, printed): asks with a button, changes nothing."""
    if code not in LANGUAGES:
        abort(404)
    return render_template("main/language.html", code=code,
                           next=local_path(request.args.get("next")))


@bp.post("/lang/<code>")
def set_language(code: str):
    """Remember the chosen language for a year and go back where the visitor was."""
    if code not in LANGUAGES:
        abort(404)
    response = redirect(local_path(request.form.get("next")))
    cookies.set_cookie(response, LANG_COOKIE, code, max_age=365 * 86400)
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code  # their emails follow
        db.session.commit()
    return response
