"""Admins set up group channels, watch the outbox, and retry what failed."""

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from repairapp.accounts.routes import admin_required
from repairapp.customers.models import Customer
from repairapp.extensions import db
from repairapp.notifications import egress, outbox
from repairapp.notifications.forms import ChannelForm
from repairapp.notifications.models import (
    STAFF_KINDS,
    Channel,
    Delivery,
    DeliveryStatus,
    Transport,
)
from repairapp.notifications.transports import (
    AddressNotAllowed,
    SendError,
    Smtp,
    post_webhook,
    send_email,
)
from repairapp.pagination import paginate

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.record_once
def _check_settings(state):
    """A mistyped REPAIRAPP_WEBHOOK_ALLOW_NETWORKS or _PROXY stops the start, saying what
    is wrong."""
    egress.networks(state.app.config.get("WEBHOOK_ALLOW_NETWORKS", ""))
    egress.proxy(state.app.config.get("WEBHOOK_PROXY", ""))


@bp.before_request
@admin_required
def _admins_only():
    """Channels carry webhook secrets: admins only."""


def _form(channel: Channel | None = None) -> ChannelForm:
    form = ChannelForm(obj=channel, data=None if channel else {"kinds": list(STAFF_KINDS)})
    current = channel.customer_id if channel else None
    customers = db.session.scalars(sa.select(Customer).where(
        sa.or_(Customer.is_archived.is_(False), Customer.id == current)).order_by(Customer.name))
    form.customer_id.choices = [SelectChoice(0, _("All customers"))] + [
        SelectChoice(c.id, c.name) for c in customers]
    if channel and not form.is_submitted():
        form.transport.data, form.customer_id.data = channel.transport.value, \
            channel.customer_id or 0
    return form


def _save(form: ChannelForm, channel: Channel) -> None:
    channel.name, channel.target = form.name.data.strip(), form.target.data.strip()
    channel.transport = Transport(form.transport.data)
    channel.customer_id = form.customer_id.data or None
    if form.secret.data.strip() or form.clear_secret.data:  # empty: keep the stored secret
        channel.secret = form.secret.data.strip()
    channel.kinds = list(form.kinds.data)
    channel.is_active = form.is_active.data


@bp.route("/")
def index():
    channels = db.session.scalars(sa.select(Channel).order_by(Channel.customer_id.is_not(None),
                                                              Channel.name))
    page = paginate(sa.select(Delivery).order_by(Delivery.id.desc()))
    by_status = dict(db.session.execute(sa.select(Delivery.status, sa.func.count())
                                        .group_by(Delivery.status)).all())
    return render_template(
        "notifications/index.html", channels=channels, recent=page.items, page=page,
        waiting=sum(by_status.get(s, 0) for s in outbox.WAITING),
        failed=by_status.get(DeliveryStatus.FAILED, 0), email_ready=_smtp() is not None)


@bp.route("/channels/new", methods=["GET", "POST"])
@bp.route("/channels/<int:channel_id>", methods=["GET", "POST"])
def channel(channel_id: int | None = None):
    existing = db.get_or_404(Channel, channel_id) if channel_id else None
    form = _form(existing)
    if form.validate_on_submit():
        saved = existing or Channel()
        _save(form, saved)
        db.session.add(saved)
        db.session.commit()
        flash(_("Channel saved."))
        return redirect(url_for(".channel", channel_id=saved.id))
    return render_template("notifications/channel.html", form=form, channel=existing)


@bp.post("/channels/<int:channel_id>/test")
def test(channel_id: int):
    """Send a test message now, so a wrong URL or secret shows up at once."""
    channel = db.get_or_404(Channel, channel_id)
    text = _("Test message from %(vendor)s: this channel will receive repair notifications.",
             vendor=current_app.config["VENDOR_NAME"])
    try:
        if channel.transport is Transport.EMAIL:
            if (smtp := _smtp()) is None:
                raise SendError(_("Email is not set up on the server (REPAIRAPP_SMTP_HOST)."))
            send_email(smtp, outbox.addresses(channel.target), text, text)
        else:
            post_webhook(channel.transport, channel.target, channel.secret, text,
                         allow=outbox.allowed_networks(), via=outbox.webhook_proxy())
        flash(_("Test message sent."))
    except AddressNotAllowed:
        flash(_("The test message failed: this URL points to a local or private network "
                "address; only robots on the public internet can be used."), "error")
    except SendError as error:
        flash(_("The test message failed: %(reason)s", reason=str(error)), "error")
    return redirect(url_for(".channel", channel_id=channel.id))


@bp.post("/deliveries/<int:delivery_id>/retry")
def retry(delivery_id: int):
    db.get_or_404(Delivery, delivery_id)
    if outbox.retry_now(delivery_id):
        flash(_("It will be sent again within a minute."))
    db.session.commit()
    return redirect(url_for(".index"))


def _smtp() -> Smtp | None:
    return Smtp.from_config(current_app.config)
