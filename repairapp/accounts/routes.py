"""Staff log-in and log-out, password change, and (admins) managing accounts."""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from repairapp.accounts import services
from repairapp.accounts.auth import authenticate
from repairapp.accounts.forms import LoginForm, PasswordForm, UserForm
from repairapp.accounts.models import Role, User
from repairapp.extensions import db
from repairapp.main.links import local_path
from repairapp.main.ratelimit import allow, within
from repairapp.tickets.work import release_jobs

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


def _safe_next(target: str | None) -> str:
    return local_path(target, url_for("tickets.index"))


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role is not Role.ADMIN:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def manager_required(view):
    """Admins and the read-only managers (reports, the manager's home page)."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in (Role.ADMIN, Role.MANAGER):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    # Failures on one account count per address: another address (the real user's phone)
    # is never locked out by someone guessing elsewhere; every attempt counts per address.
    account = ((form.email.data or "").strip().lower(), request.remote_addr or "-")
    if form.is_submitted() and not (
            allow("RATE_LIMIT_LOGIN") and within("RATE_LIMIT_LOGIN_ACCOUNT", *account)):
        form.password.errors = [_("Too many log-in attempts. Wait a few minutes and try "
                                  "again.")]
        return render_template("accounts/login.html", form=form), 429
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            user.locale = str(get_locale())
            db.session.commit()  # with a rewritten hash, if it was outdated
            return redirect(_safe_next(request.args.get("next")))
        allow("RATE_LIMIT_LOGIN_ACCOUNT", *account)
        form.password.errors.append(_("Wrong email or password."))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Log out everywhere: every session of this user, on every device, ends."""
    current_user.end_all_sessions()
    db.session.commit()
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("That is not your current password."))
        else:
            current_user.set_password(form.new.data)  # ends all other sessions
            db.session.commit()
            # ...but keeps this one (the user, not the proxy: it would then point at itself)
            login_user(current_user._get_current_object())
            flash(_("Password changed. Other devices have been logged out."))
            return redirect(url_for("tickets.index"))
    return render_template("accounts/password.html", form=form)


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    form = UserForm()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("Enter a password."))
        elif _saved(form, lambda: services.create_user(**_user_fields(form))):
            flash(_("Account created."))
            return redirect(url_for(".users"))
    return render_template("accounts/users.html", users=services.all_users(), form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, role=user.role.value) if request.method == "GET" else UserForm()
    if form.validate_on_submit() and _saved(form, lambda: _update(user, form)):
        flash(_("Account saved."))
        return redirect(url_for(".users"))
    return render_template("accounts/edit_user.html", user=user, form=form)


def _update(user: User, form: UserForm) -> None:
    was_active = user.is_active
    services.update_user(user, **_user_fields(form))
    if was_active and not user.is_active:  # their open jobs go back to the dispatch queue
        release_jobs(user, by=current_user)


def _user_fields(form: UserForm) -> dict:
    return {"email": form.email.data, "name": form.name.data, "role": Role(form.role.data),
            "is_active": form.is_active.data, "password": form.password.data or ""}


def _saved(form: UserForm, write) -> bool:
    """Run the write and commit; a taken email becomes a message on the field."""
    try:
        write()
    except services.EmailTaken:
        db.session.rollback()
        form.email.errors.append(_("Another account already uses this email."))
        return False
    except services.LastAdmin:
        db.session.rollback()
        form.role.errors.append(_("Keep at least one active admin."))
        return False
    db.session.commit()
    return True
