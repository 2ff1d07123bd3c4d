"""Malformed staff posts get 400 with a message, never 500, and write nothing.

Every staff form is read from the page that shows it, as a browser sees it, and posted back
with each field left out in turn, each typed field (number, date, list of choices, radio
tiles) holding text, and each single field sent twice (of free text, the first field). A
post its page could not have sent is malformed: 400, the form shown back saying what is
wrong (or the error page saying so). Left out, a checkbox, a radio group or a file input is
what a browser sends when nothing is ticked, chosen or attached: the form comes back with its
ordinary message (422) or is saved. Last, the form exactly as its page shows it (plus what a
person types into it) is never taken for malformed.
"""

from dataclasses import dataclass, field

import pytest
from forms import Form, form_for
from security import world

OMITTABLE = ("checkbox", "radio", "file")
TYPED = ("number", "date", "datetime-local", "select", "radio")
NOT_A_VALUE = "not-a-value"
MESSAGES = ('id="error-summary"', "The page could not read what was sent",
            "This form expired")


@dataclass(frozen=True)
class Spec:
    """One staff form: who posts it, the page showing it, where it sends, what is typed."""

    name: str
    page: str                       #: format string over the world, e.g. "/tickets/{w.ticket.id}"
    action: str = ""                #: empty: the page itself
    typed: dict = field(default_factory=dict)  #: what a person types into the empty fields
    having: str = ""                #: a field that tells this form from others to the same action
    #: Fields a page of this form leaves out (the form class names them `may_be_absent`).
    absent_ok: tuple = ()
    #: Fields read by hand (no WTForms class): missing or repeated, they mean a default.
    by_hand: tuple = ()


def _spec(name, page, action="", typed=None, **kw) -> Spec:
    return Spec(name, page, action or page, typed or {}, **kw)


# In order: forms whose post changes what later forms need come last.
FORMS = {
    "technician": [
        _spec("check in at the machine", "/r/{w.code}", "/r/{w.code}/check-in/{w.ticket.id}"),
        _spec("take a job at the machine", "/r/{w.code}", "/r/{w.code}/take/{w.unassigned.id}"),
        _spec("status button", "/tickets/{w.ticket.id}", "/tickets/{w.ticket.id}/status",
              having="to"),
        _spec("wait for the customer", "/tickets/{w.ticket.id}", "/tickets/{w.ticket.id}/status",
              {"note": "A photo of the screen"}, having="note"),
        _spec("log work", "/tickets/{w.ticket.id}", "/tickets/{w.ticket.id}/work",
              having="notes"),
        _spec("prepare a quote", "/quotes/ticket/{w.chargeable.id}",
              typed={"service": "remote"}),
        _spec("send a quote", "/quotes/ticket/{w.chargeable.id}",
              "/quotes/ticket/{w.chargeable.id}/send"),
        _spec("not a quality fault", "/quotes/ticket/{w.duplicate.id}/not-quality",
              typed={"reason": "misuse", "note": "Dropped"}),
        _spec("hand over", "/tickets/{w.duplicate.id}", "/tickets/{w.duplicate.id}/assign",
              {"reason": "On leave"}),
        _spec("resolve", "/tickets/{w.ticket.id}", "/tickets/{w.ticket.id}/resolve",
              {"notes": "Replaced the fuse", "work_type": "remote"}),
        _spec("sign the service sheet", "/job-report/ticket/{w.on_site.id}/sign",
              typed={"signer_name": "Chen"}),
        _spec("start an inspection at the machine", "/r/{w.code}",
              "/maintenance/r/{w.code}/start/{w.maintenance.planned.id}"),
        _spec("inspection checklist", "/maintenance/visits/{w.maintenance.inspecting.id}",
              "/maintenance/visits/{w.maintenance.inspecting.id}/checklist"),
        _spec("sign an inspection report", "/maintenance/visits/{w.maintenance.done.id}/sign",
              typed={"signer_name": "Chen"}),
        _spec("order a round", "/maintenance/visits/{w.maintenance.inspecting.id}/round",
              "/maintenance/visits/{w.maintenance.inspecting.id}/round/move"),
        _spec("sign a round's report",
              "/maintenance/visits/{w.maintenance.finished.id}/round/sign",
              typed={"signer_name": "Chen"}),
        _spec("password", "/accounts/password"),
    ],
    "dispatcher": [
        _spec("severity and category", "/tickets/{w.ticket.id}",
              "/tickets/{w.ticket.id}/triage"),
        _spec("assign", "/tickets/{w.ticket.id}", "/tickets/{w.ticket.id}/assign"),
        _spec("merge from the ticket", "/tickets/{w.duplicate.id}",
              "/tickets/{w.duplicate.id}/merge"),
        _spec("merge from the queue", "/dispatch/", "/tickets/{w.unassigned_too.id}/merge",
              absent_ok=("next",)),
        _spec("record a follow-up", "/followups/{w.follow_up.id}"),
        _spec("log a complaint", "/followups/complaints/new",
              typed={"caller_name": "Li", "description": "Nobody called back"}),
        _spec("log a complaint about a ticket", "/followups/complaints/new?ticket={w.ticket.id}",
              typed={"description": "Came late"}),
        _spec("settle a complaint", "/followups/complaints/{w.complaint.id}"),
        _spec("correct the service sheet", "/job-report/{w.job_report.id}/correct",
              typed={"change_note": "Added the part"}),
        _spec("assign an inspection", "/maintenance/visits",
              "/maintenance/visits/{w.maintenance.unassigned.id}/assign"),
    ],
    "admin": [
        _spec("new account", "/accounts/users", typed={
            "email": "new@example.com", "name": "New", "password": "long-password-1"}),
        _spec("edit account", "/accounts/users/{w.spare.id}"),
        _spec("new asset", "/assets/new", typed={"tag": "EQ-NEW-1", "name": "Press"}),
        _spec("edit asset", "/assets/{w.asset.id}"),
        _spec("asset import", "/assets/import"),
        _spec("new part", "/parts/new", typed={"code": "BR-01", "name": "Bearing",
                                               "price": "80"}),
        _spec("edit part", "/parts/{w.part.id}"),
        _spec("parts import", "/parts/import"),
        _spec("new customer", "/customers/", typed={"name": "New customer"}),
        _spec("edit customer", "/customers/{w.customer.id}", having="is_archived"),
        _spec("create a report link", "/service-report/?quarter=2026-Q2",
              "/service-report/issue", having="quarter"),
        _spec("revoke a report link", "/service-report/?quarter=2026-Q3",
              "/service-report/{w.service_report.id}/revoke"),
        _spec("renew a report link", "/service-report/?quarter=2026-Q3",
              "/service-report/{w.service_report.id}/renew"),
        _spec("new site", "/customers/{w.customer.id}", "/customers/{w.customer.id}/sites",
              {"name": "Plant 2"}),
        _spec("edit site", "/customers/sites/{w.site.id}"),
        _spec("new contract", "/contracts/new", typed={
            "number": "HT-NEW", "start_date": "2030-01-01", "end_date": "2030-12-31",
            "amount": "100.00"}),
        _spec("edit contract", "/contracts/{w.contract.id}"),
        _spec("record a payment", "/contracts/{w.contract.id}",
              "/contracts/{w.contract.id}/payment"),
        _spec("contract import", "/contracts/import"),
        _spec("new plan", "/contracts/plans/new", typed={"name": "Gold"}),
        _spec("new maintenance plan", "/maintenance/plan", typed={
            "name": "Pumps", "target": "model", "model": "M-1", "start_date": "2030-01-01",
            "items-0-check": "Fan"}),
        _spec("edit maintenance plan", "/maintenance/plan/{w.maintenance.plan.id}"),
        _spec("edit plan", "/contracts/plans/{w.plan.id}"),
        _spec("label batch", "/labels/",
              absent_ok=("customer", "site", "search", "tag_from", "tag_to")),
        _spec("print one label", "/labels/assets/{w.asset.id}", "/labels/"),
        _spec("re-issue a label", "/labels/assets/{w.relabel.id}/reissue"),
        _spec("new calendar", "/sla/new", typed={"name": "Night", "mon": "20:00-24:00"}),
        _spec("edit calendar", "/sla/{w.calendar.id}", having="mon"),
        _spec("add a day", "/sla/{w.calendar.id}", "/sla/{w.calendar.id}/days",
              {"day": "2030-06-03"}),
        _spec("holiday schedule", "/sla/holidays/2030"),
        _spec("new channel", "/notifications/channels/new", typed={
            "name": "Desk", "target": "desk@example.com"}),
        _spec("edit channel", "/notifications/channels/{w.channel.id}", having="target"),
        _spec("test a channel", "/notifications/channels/{w.channel.id}",
              "/notifications/channels/{w.channel.id}/test"),
        _spec("retry a message", "/notifications/",
              "/notifications/deliveries/{w.delivery.id}/retry"),
        _spec("remove a day", "/sla/{w.calendar.id}", "/sla/days/{w.day.id}/delete"),
        _spec("delete a calendar", "/sla/{w.spare_calendar.id}",
              "/sla/{w.spare_calendar.id}/delete"),
        _spec("language", "/accounts/password", "/lang/zh", by_hand=("next",)),
        _spec("log out", "/accounts/password", "/accounts/logout"),
    ],
}


def _form(client, spec: Spec, w) -> tuple[Form, str]:
    page, action = spec.page.format(w=w), spec.action.format(w=w)
    html = client.get(page).get_data(as_text=True)
    form = form_for(html, action, page, having=spec.having)
    assert form is not None, f"{spec.name}: no form sending to {action} on {page}"
    return form, action


def _variants(form: Form):
    """(what was done, the data, whether the post is malformed). Sent twice: every field
    but free text, and the first free-text field (one rule reads them all alike)."""
    sent, text_twice = form.data(), False
    for name in form.names():
        kind = form.kind_of(name)
        rest = {k: v for k, v in sent.items() if k != name}
        yield f"without {name}", rest, kind not in OMITTABLE
        if kind in TYPED:
            yield f"{name}={NOT_A_VALUE!r}", {**sent, name: NOT_A_VALUE}, True
        free_text = kind in ("text", "textarea", "email", "password")
        if name == "csrf_token" or kind == "file" or form.is_group(name) or (
                free_text and text_twice):
            continue
        text_twice = text_twice or free_text
        value = sent.get(name, "on")
        yield f"{name} sent twice", {**sent, name: [value, value]}, True


def _check(client, spec: Spec, w) -> list[str]:
    client.set_cookie("lang", "en")  # the messages looked for are English
    form, action = _form(client, spec, w)
    wrong = []
    before = world.fingerprint()
    variants = list(_variants(form))
    for what, data, malformed in variants:
        if malformed and not _lenient(spec, what):
            wrong += _posted(client, spec, action, what, data, malformed=True)
    if world.fingerprint() != before:
        wrong.append(f"{spec.name}: a malformed post changed the database")
    form, action = _form(client, spec, w)  # again: the page may have changed meanwhile
    response = client.post(action, data={**form.data(), **spec.typed})
    if response.status_code in (400, 500):
        wrong.append(f"{spec.name}, as its page shows it: {response.status_code}")
    for what, data, malformed in variants:  # what a browser may send, once the form was used
        if not malformed or _lenient(spec, what):
            wrong += _posted(client, spec, action, what, {**data, **spec.typed},
                             malformed=False)
    return wrong


def _lenient(spec: Spec, what: str) -> bool:
    """Whether the app may take this post as sent (a browser could, or the field has a
    default)."""
    return what in {f"without {name}" for name in spec.absent_ok + spec.by_hand} | {
        f"{name} sent twice" for name in spec.by_hand}


def _posted(client, spec: Spec, action: str, what: str, data: dict, malformed: bool):
    response = client.post(action, data=data)
    status = response.status_code
    if status >= 500:
        return [f"{spec.name}, {what}: {status}"]
    if malformed and (status != 400 or not any(m.encode() in response.data for m in MESSAGES)):
        return [f"{spec.name}, {what}: {status}, expected 400 with a message"]
    if not malformed and status == 400:
        return [f"{spec.name}, {what}: 400, but a browser sends this"]
    return []


@pytest.mark.parametrize("role", FORMS)
def test_malformed_staff_posts_get_400_with_a_message(app, role):
    """Every staff form of this role, every field left out, mistyped and repeated."""
    client = app.test_client()
    w = world.build()
    world.act_as(client, w, role)
    wrong = [problem for spec in FORMS[role] for problem in _check(client, spec, w)]
    assert not wrong, "\n".join(wrong)


def test_every_staff_post_endpoint_has_a_form_here(app):
    """A new staff form joins the sweep: every POST endpoint a member of staff uses is named
    (the public ones, the log-in and the language switch excepted)."""
    public = {"accounts.login", "intake.scan", "intake.add_info", "tracking.confirm",
              "tracking.reopen", "tracking.complain", "tracking.approve_quote",
              "tracking.decline_quote"}
    w = world.build()
    covered = set()
    for specs in FORMS.values():
        for spec in specs:
            rule = world.matched_rule(app, spec.action.format(w=w), "POST")
            covered.add(rule.endpoint if rule else spec.action)
    posting = {endpoint for endpoint, rules in world.endpoints(app).items()
               if any("POST" in rule.methods for rule in rules)}
    assert not sorted(posting - public - covered)


def test_the_message_is_in_the_staff_members_language(app):
    """A field missing from an admin's post is named on the form shown back, in Chinese."""
    client = app.test_client()
    w = world.build()
    world.act_as(client, w, "admin")
    client.set_cookie("lang", "zh")
    form, action = _form(client, _spec("new asset", "/assets/new"), w)
    data = {k: v for k, v in form.data().items() if k != "warranty_months"}
    response = client.post(action, data={**data, "tag": "EQ-NEW-1", "name": "Press"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="error-summary"' in page
    assert "此项未随表单提交。请刷新页面后重新提交。" in page and 'value="Press"' in page
