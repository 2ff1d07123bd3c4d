"""A staff form posted after the session ended comes back, after log-in, with what was typed.

When a login-required page receives a POST from someone whose session has ended, the log-in
handler calls `keep_posted_form()`: the typed fields (not the CSRF token, not files) go into
the session cookie, tagged with the form class, the page the form is on and whose session it
was; the browser goes to the log-in page with `next` pointing at that page. When that page
builds that form class on a GET for the same user, Flask-WTF's formdata hook hands it the
kept fields instead of nothing: the page shows the form filled in, never submitted.

Which form class a POST belongs to is read from the view (the form classes its code names,
or else those its module imports), choosing the one whose fields match the posted names,
so no route or form needs to declare anything.
"""

import inspect
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, has_request_context, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from wtforms import HiddenField
from wtforms.fields.core import UnboundField

KEY = "_kept_form"
#: Browsers drop cookies over 4 KB: the whole session cookie stays below this many bytes.
COOKIE_BUDGET = 3600
#: No staff text field takes more than this.
MAX_CHARS = 4000


def init_app(app: Flask) -> None:
    _install_formdata_hook()
    app.after_request(_forget_stale)


def keep_posted_form() -> tuple[str, bool]:
    """Hold what this POST carried for after the log-in. Returns the form's page (where to
    come back to) and whether anything typed was kept."""
    page = _form_page()
    owner = _session_owner()
    form_class = form_class_for(set(request.form.keys()))
    if owner is None or form_class is None:
        return page, False
    fields = _fields_of(form_class)
    kept = [[name, value[:MAX_CHARS]] for name, value in request.form.items(multi=True)
            if name.split("-", 1)[0] in fields]
    if not any(value.strip() for name, value in kept
               if not issubclass(fields[name.split("-", 1)[0]], HiddenField)):
        return page, False
    session[KEY] = {"form": _name(form_class), "path": urlsplit(page).path, "user": owner,
                    "fields": kept, "files": any(
                        f.filename for _field, f in request.files.items(multi=True))}
    _fit_cookie(kept)
    return page, True


def _session_owner() -> int | None:
    """Whose log-in this browser had (Flask-Login leaves the id of an ended one in place)."""
    user_id = str(session.get("_user_id", "")).partition(":")[0]
    return int(user_id) if user_id.isdigit() else None


def _form_page() -> str:
    """The page the form was on: the referring page of this site, else the nearest page
    above the address posted to (`/tickets/5/work` -> `/tickets/5`)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and _shows_page(referrer.path):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    path = referrer.path if referrer.netloc == request.host else request.path
    while path not in ("", "/"):
        if _shows_page(path):
            return path
        path = path.rstrip("/").rsplit("/", 1)[0]
    return "/"


def _shows_page(path: str) -> bool:
    adapter = current_app.url_map.bind(request.host, script_name=request.script_root or None)
    try:
        adapter.match(path, method="GET")
        return True
    except (HTTPException, RequestRedirect):
        return False


def form_class_for(posted: set[str]) -> type[FlaskForm] | None:
    """The form class of this request's view whose fields best match the posted names."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return None
    view = inspect.unwrap(view)
    names = view.__globals__
    classes = [c for c in map(names.get, view.__code__.co_names) if _is_form_class(c)] or [
        c for c in names.values() if _is_form_class(c)]
    tops = {name.split("-", 1)[0] for name in posted}
    scored = [(len(tops & _fields_of(c).keys()), c) for c in classes]
    best = max(scored, key=lambda s: s[0], default=(0, None))
    return best[1] if best[0] else None


def _is_form_class(obj) -> bool:
    return isinstance(obj, type) and issubclass(obj, FlaskForm) and obj is not FlaskForm


def _fields_of(form_class: type[FlaskForm]) -> dict[str, type]:
    """Field name -> field class, read from the class as WTForms itself does."""
    return {name: attr.field_class for name in dir(form_class)
            if isinstance(attr := getattr(form_class, name), UnboundField)}


def _name(form_class: type) -> str:
    return f"{form_class.__module__}.{form_class.__qualname__}"


def _fit_cookie(fields: list) -> None:
    """Shorten the longest kept value (marked "…") until the session cookie fits."""
    serializer = current_app.session_interface.get_signing_serializer(current_app)
    while len(serializer.dumps(dict(session))) > COOKIE_BUDGET:
        i = max(range(len(fields)), key=lambda k: len(fields[k][1]))
        name, value = fields[i]
        if len(value) < 20:
            session.pop(KEY)  # nothing left worth keeping
            return
        fields[i] = [name, value[: len(value) // 2] + "…"]
        session.modified = True


def _restore(form: FlaskForm, formdata):
    """The kept fields, if this GET builds the kept form on its page for its owner."""
    if formdata is not None or not has_request_context() or request.method != "GET":
        return formdata
    entry = session.get(KEY)
    if not entry or entry["form"] != _name(type(form)) or entry["path"] != request.path:
        return None
    if not current_user.is_authenticated or current_user.id != entry["user"]:
        return None
    session.pop(KEY)
    form.restored = True
    flash(_("Your session had ended; here is what you typed — check it, attach the photos "
            "again and send.") if entry["files"] else
          _("Your session had ended; here is what you typed — check and send again."))
    return MultiDict([(name, value) for name, value in entry["fields"]])


def _install_formdata_hook() -> None:
    """Wrap Flask-WTF's formdata step (once per process) so every FlaskForm can be refilled."""
    original = FlaskForm.Meta.wrap_formdata
    if getattr(original, "keeps_forms", False):
        return

    def wrap_formdata(self, form, formdata):
        return _restore(form, original(self, form, formdata))

    wrap_formdata.keeps_forms = True
    FlaskForm.Meta.wrap_formdata = wrap_formdata


def _forget_stale(response):
    """Drop a kept form once its page has been shown, or when someone else logs in here."""
    if request.endpoint == "static" or request.method != "GET" or KEY not in session:
        return response
    if current_user.is_authenticated:
        entry = session[KEY]
        if entry["user"] != current_user.id or (
                entry["path"] == request.path and response.status_code == 200):
            session.pop(KEY)
    return response
