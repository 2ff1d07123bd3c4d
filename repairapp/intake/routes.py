"""The public pages a QR label opens: /r/<code> (and /R/<code>, for upper-case QR URLs)."""

import json
from urllib.parse import quote, unquote

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from repairapp.assets.services import label_for_code
from repairapp.contracts.services import coverage_for_asset
from repairapp.db import utcnow
from repairapp.extensions import csrf, db
from repairapp.intake import services as held_photos
from repairapp.intake.forms import IMPACT_SEVERITY, MAX_PHOTOS, AddInfoForm, RequestForm
from repairapp.main import cookies
from repairapp.main.ratelimit import allow
from repairapp.sla.wording import plan_calendar, plan_targets
from repairapp.tickets import services as tickets
from repairapp.tickets import work
from repairapp.tickets.models import Category, Ticket
from repairapp.tickets.services import open_tickets_for_asset
from repairapp.tickets.workflow import Actor, TransitionError, actor_for

bp = Blueprint("intake", __name__)

REMEMBER_COOKIE = "requester"
REMEMBER_SECONDS = 400 * 86400
REMEMBERED = ("name", "phone", "email")


def _asset_or_404(code: str):
    """The asset behind a current label; a replaced label stops here and writes nothing."""
    label = label_for_code(code)
    if label is None:
        abort(404)
    if label.revoked_at is not None:
        abort(make_response(render_template("intake/replaced.html"), 410))
    return label.asset


def _remembered() -> dict:
    try:
        value = json.loads(unquote(request.cookies.get(REMEMBER_COOKIE, "")))
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _remember(response, form: RequestForm) -> None:
    """Name, phone and email stay on this phone (a cookie) to pre-fill the form next time."""
    value = quote(json.dumps({f: (getattr(form, f).data or "").strip() for f in REMEMBERED},
                             ensure_ascii=False))
    cookies.set_cookie(response, REMEMBER_COOKIE, value, max_age=REMEMBER_SECONDS)


def _file_once(asset, form: RequestForm):
    """The ticket for this form's key: found, or created now. A racing twin is found too.

    The commit lives here, not in a service, because the race is only visible at the
    database: the losing insert fails on the unique key and answers with the winner.
    """
    ticket = tickets.by_idempotency_key(asset.id, form.key.data)
    if ticket is not None:
        return ticket
    photos = list(form.reencoded) or held_photos.held(form.key.data)
    try:
        ticket = tickets.file_ticket(
            asset, category=Category(form.category.data), severity=form.severity,
            description=form.description.data or "", requester_name=form.name.data.strip(),
            requester_phone=form.phone.data.strip(), idempotency_key=form.key.data,
            requester_email=(form.email.data or "").strip(),
            requester_locale=str(get_locale() or ""),
            photos=photos[:MAX_PHOTOS],
        )
        held_photos.release(form.key.data)
        db.session.commit()
        return ticket
    except IntegrityError:
        db.session.rollback()
        twin = tickets.by_idempotency_key(asset.id, form.key.data)
        if twin is None:
            raise
        return twin


def _impact_hints(plan, tz: str, calendar) -> dict[str, list[str]]:
    """Each impact choice's promise as a request filed now would get it, worded as on every
    other page: "2 个工作小时内响应（2026-12-03 10:30 前）", then the fix."""
    now = utcnow()
    return {impact: [t.text for t in plan_targets(plan, severity, tz, now, calendar)]
            for impact, severity in IMPACT_SEVERITY.items()}


def _render(asset, form: RequestForm, info_form: AddInfoForm | None, status: int = 200,
            held: int = 0, held_info: int = 0):
    """The scan page; `info_form` None: an empty "add to the open request" form, built only
    when there is an open request to show it with."""
    open_ticket = tickets.open_ticket_for_asset(asset.id)
    if info_form is None and open_ticket is not None:
        info_form = AddInfoForm(formdata=None, name=form.name.data)
    coverage = coverage_for_asset(asset, utcnow())
    plan = coverage.plan
    # The plan's calendar once per request (its holidays are a query): for the impact hints
    # and for the promise under the coverage badge.
    calendar = plan_calendar(plan)
    return render_template(
        "intake/scan.html", asset=asset, coverage=coverage, form=form, info_form=info_form,
        held=held, held_info=held_info, plan_calendar=calendar,
        open_ticket=open_ticket,
        impact_hints=_impact_hints(plan, asset.site.timezone, calendar),
    ), status


# The page is public: each form checks its own CSRF token, so an expired page re-renders
# with everything typed still there instead of failing with a bare 400.
@bp.route("/r/<code>", methods=["GET", "POST"])
@bp.route("/R/<code>", methods=["GET", "POST"])
@csrf.exempt
def scan(code: str):
    asset = _asset_or_404(code)
    if current_user.is_authenticated:
        return _staff_view(asset)
    form = RequestForm()
    if form.is_submitted() and not allow("RATE_LIMIT_FILING"):
        return _too_many(asset, form, AddInfoForm(formdata=None, name=form.name.data))
    if form.validate_on_submit():
        ticket = _file_once(asset, form)
        response = redirect(url_for("tracking.submitted", token=ticket.tracking_token))
        _remember(response, form)
        return response
    if not form.is_submitted():
        for field in REMEMBERED:
            getattr(form, field).data = _remembered().get(field, "")
    elif form.key.errors:
        form.key.data = form.key.default()  # a mangled key: this submit starts afresh
    elif form.reencoded:  # the photos were fine, something else was not: keep them
        held_photos.hold(form.key.data, list(form.reencoded))
        db.session.commit()
    held = held_photos.held_count(form.key.data) if form.is_submitted() else 0
    return _render(asset, form, None, 422 if form.errors else 200, held=held)


@bp.post("/r/<code>/add")
@csrf.exempt
def add_info(code: str):
    asset = _asset_or_404(code)
    ticket = tickets.open_ticket_for_asset(asset.id)
    info_form = AddInfoForm()
    if not allow("RATE_LIMIT_FILING"):
        return _too_many(asset, RequestForm(formdata=None, name=info_form.name.data), info_form)
    if ticket is None:
        # Closed meanwhile: offer the note as a new request rather than lose it.
        flash(_("That request has just been closed. Your note is below: send it as a new "
                "request."))
        form = RequestForm(formdata=None, name=info_form.name.data,
                           description=info_form.note.data)
        return _render(asset, form, AddInfoForm(formdata=None), 409)
    key = info_form.key.data or ""
    if info_form.validate_on_submit():
        photos = list(info_form.reencoded) or (held_photos.held(key) if key else [])
        tickets.add_info(ticket, requester_name=info_form.name.data.strip(),
                         note=info_form.note.data.strip(), photos=photos[:MAX_PHOTOS])
        held_photos.release(key)
        db.session.commit()
        flash(_("Thank you. We added your information to request %(number)s.",
                number=ticket.number))
        return redirect(url_for("intake.scan", code=code))
    if key and info_form.reencoded:  # keep the photos while the note is fixed
        held_photos.hold(key, list(info_form.reencoded))
        db.session.commit()
    form = RequestForm(formdata=None, name=info_form.name.data)
    return _render(asset, form, info_form, 422,
                   held_info=held_photos.held_count(key) if key else 0)


def _too_many(asset, form: RequestForm, info_form: AddInfoForm):
    """Over the limit: the page again with everything typed and a message, nothing saved."""
    flash(_("Too many requests from this network just now. Wait a few minutes, then send "
            "it again; what you typed is kept."), "error")
    return _render(asset, form, info_form, 429)


def _staff_view(asset):
    """Staff scanning a label: the machine's tickets they have a part in, plus unassigned
    ones a technician can take, and the one-tap check-in."""
    visible = [t for t in open_tickets_for_asset(asset.id)
               if actor_for(current_user, t) or t.assignee_id is None]
    return render_template("intake/staff.html", asset=asset, tickets=visible, form=FlaskForm(),
                           actor_for=actor_for, Actor=Actor)


def _staff_action(code: str, ticket_id: int, act, message: str):
    """Check-in and take: only through the label of the ticket's own machine."""
    asset = _asset_or_404(code)
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or ticket.asset_id != asset.id:
        abort(404)
    try:
        act(ticket)
        db.session.commit()
    except (TransitionError, work.NotAllowed, StaleDataError):
        db.session.rollback()
        flash(_("That is not possible for this job right now."), "error")
        return redirect(url_for("intake.scan", code=code))
    flash(message)
    return redirect(url_for("tickets.detail", ticket_id=ticket.id))


@bp.post("/r/<code>/check-in/<int:ticket_id>")
@bp.post("/R/<code>/check-in/<int:ticket_id>")
@login_required
def check_in(code: str, ticket_id: int):
    """"I'm on site": reachable only through the label's own code, so it proves presence."""
    return _staff_action(code, ticket_id, lambda t: work.check_in(t, current_user),
                         _("Checked in. Time on site recorded."))


@bp.post("/r/<code>/take/<int:ticket_id>")
@bp.post("/R/<code>/take/<int:ticket_id>")
@login_required
def take(code: str, ticket_id: int):
    """A technician at the machine takes its unassigned ticket."""
    return _staff_action(code, ticket_id, lambda t: work.take(t, current_user),
                         _("The job is yours now."))
