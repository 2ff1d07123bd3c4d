"""Who may use what: every endpoint of the URL map, one column per role.

Each cell is what that role gets, asked with real ids, codes and tokens from a seeded world
(GET, and POST with a valid CSRF token and a plausible form):

- "ok": allowed; the page, a redirect, or the form back with a message (never 401/403/404,
  never the log-in page).
- "login": sent to the log-in page.
- "403": refused.
- "404": refused as if it did not exist: a technician never learns another's ticket exists,
  and a tracking link works only with its secret token (anonymous has a made-up one).
- "refused": sent back to the label's page with "That is not possible for this job right
  now." (checking in at, or taking, a job that is not one's own).

Every forbidden POST is checked to change no row of any table. An endpoint added to the
app and not to this table, or left here after leaving the app, fails the suite by name.
A role is one more column (and one more name in `world.ROLES`).
"""

import pytest
from security import world
from security.world import ROLES

from repairapp.notifications.models import STAFF_KINDS

OK, LOGIN, REFUSED = "ok", "login", "refused"
ADMIN_ONLY = (LOGIN, LOGIN, "403", "403", "403", OK)
STAFF = (LOGIN, LOGIN, OK, OK, OK, OK)
TICKET = (LOGIN, LOGIN, OK, "404", OK, OK)          # the assigned technician and dispatch
DISPATCH_ON_TICKET = (LOGIN, LOGIN, "403", "404", OK, OK)
PUBLIC = (OK, OK, OK, OK, OK, OK)
LINK = ("404", OK, OK, OK, OK, OK)                  # whoever holds the tracking link

#: Check-in and take answer a refusal by going back to the label's page with a message.
AT_THE_MACHINE = ("intake.check_in", "intake.take")

TABLE = {
    #                         anonymous link  technician other_tech dispatcher admin
    "main.index":             PUBLIC,
    "main.confirm_language":  PUBLIC,
    "main.set_language":      PUBLIC,
    "accounts.login":         PUBLIC,
    "accounts.password":      STAFF,
    "accounts.users":         ADMIN_ONLY,
    "accounts.edit_user":     ADMIN_ONLY,
    "intake.scan":            PUBLIC,
    "intake.add_info":        PUBLIC,
    "intake.check_in":        (LOGIN, LOGIN, OK, REFUSED, REFUSED, REFUSED),
    "intake.take":            (LOGIN, LOGIN, OK, OK, REFUSED, REFUSED),
    "tracking.show":          LINK,
    "tracking.submitted":     LINK,
    "tracking.confirm":       LINK,
    "tracking.reopen":        LINK,
    "tickets.index":          STAFF,
    "jobs.index":             STAFF,
    "tickets.detail":         TICKET,
    "tickets.photo":          TICKET,
    "tickets.change":         TICKET,
    "tickets.log_work":       TICKET,
    "tickets.triage":         DISPATCH_ON_TICKET,
    "tickets.merge":          DISPATCH_ON_TICKET,
    "tickets.resolve":        TICKET,
    "tickets.assign":         TICKET,  # after resolve: the job stays where it is
    "dispatch.index":         (LOGIN, LOGIN, "403", "403", OK, OK),
    "assets.index":           ADMIN_ONLY,
    "assets.new":             ADMIN_ONLY,
    "assets.edit":            ADMIN_ONLY,
    "assets.import_csv":      ADMIN_ONLY,
    "assets.export_csv":      ADMIN_ONLY,
    "customers.index":        ADMIN_ONLY,
    "customers.edit":         ADMIN_ONLY,
    "customers.site":         ADMIN_ONLY,
    "contracts.index":        ADMIN_ONLY,
    "contracts.edit":         ADMIN_ONLY,
    "contracts.import_csv":   ADMIN_ONLY,
    "contracts.export_csv":   ADMIN_ONLY,
    "contracts.plans":        ADMIN_ONLY,
    "contracts.plan":         ADMIN_ONLY,
    "labels.index":           ADMIN_ONLY,
    "labels.calibration_page": ADMIN_ONLY,
    "labels.asset":           ADMIN_ONLY,
    "labels.reissue":         ADMIN_ONLY,
    "sla.calendars":          ADMIN_ONLY,
    "sla.calendar":           ADMIN_ONLY,
    "sla.add_day":            ADMIN_ONLY,
    "sla.remove_day":         ADMIN_ONLY,
    "sla.delete":             ADMIN_ONLY,
    "sla.holidays_page":      ADMIN_ONLY,
    "sla.schedule":           ADMIN_ONLY,
    "notifications.index":    ADMIN_ONLY,
    "notifications.channel":  ADMIN_ONLY,
    "notifications.test":     ADMIN_ONLY,
    "notifications.retry":    ADMIN_ONLY,
    # Last: it ends the session the rows above use.
    "accounts.logout":        STAFF,
}


def post_data(w: world.World) -> dict[str, dict]:
    """What each form sends when filled in as its page asks (endpoints not named: nothing
    but the CSRF token)."""
    minutes = {f"{kind}_{level}_min": "60" for kind in ("response", "resolution")
               for level in ("critical", "major", "minor")}
    work = {"work_type": "remote", "minutes": "30", "notes": "", "parts-0-item": "",
            "parts-0-quantity": "1", "parts-1-item": "", "parts-1-quantity": "1"}
    return {
        "accounts.login": {"email": "nobody@example.com", "password": "wrong-password-1"},
        "accounts.password": {"current": "not-my-password", "new": "new-password-1",
                              "repeat": "new-password-1"},
        "accounts.users": {"email": "new-user@example.com", "name": "New user",
                           "role": "technician", "is_active": "y",
                           "password": "new-password-1"},
        "accounts.edit_user": {"email": w.spare.email, "name": "Renamed", "role": "technician",
                               "is_active": "y", "password": ""},
        "intake.scan": {"category": "error", "impact": "stopped", "description": "Alarm",
                        "name": "Zhou", "phone": "139 0000 0001", "email": "",
                        "key": "k" * 32},
        "intake.add_info": {"note": "It beeps too", "name": "Zhou", "key": "a" * 32},
        "tracking.confirm": {"rating": "5", "comment": ""},
        "tracking.reopen": {"note": "Still broken"},
        "tickets.change": {"to": "on_the_way"},
        "tickets.log_work": work,
        "tickets.resolve": {**work, "notes": "Replaced the fuse"},
        "tickets.assign": {"technician": str(w.other_tech.id), "reason": "Going on leave"},
        "tickets.triage": {"severity": "major", "category": "error"},
        "tickets.merge": {"into": str(w.ticket.id)},
        "assets.new": {"tag": "EQ-NEW-1", "name": "New machine", "model": "",
                       "serial_number": "", "site_id": str(w.site.id), "acceptance_date": "",
                       "warranty_months": "12"},
        "assets.edit": {"tag": w.asset.tag, "name": "Renamed", "model": "M-1",
                        "serial_number": "", "site_id": str(w.site.id), "acceptance_date": "",
                        "warranty_months": "12"},
        "assets.import_csv": {"content": ""},
        "contracts.import_csv": {"content": ""},
        "customers.index": {"name": "New customer"},
        "customers.edit": {"name": "Renamed customer"},
        "customers.site": {"name": "Plant 2", "address": "", "timezone": "Asia/Shanghai",
                           "contact_name": "", "contact_phone": ""},
        "contracts.edit": {"number": "HT-NEW", "customer_id": str(w.customer.id),
                           "plan_id": str(w.plan.id), "start_date": "2030-01-01",
                           "end_date": "2030-12-31", "amount": "100.00", "tags": ""},
        "contracts.plan": {"name": "Plan X", "kind": "EXTENDED", "service_level": "",
                           "calendar_id": "", **minutes},
        "labels.index": {"customer": "0", "site": "0", "search": "", "tag_from": "",
                         "tag_to": "", "tags": "", "sheet": "a4-3x8", "start_row": "1",
                         "start_col": "1"},
        "labels.reissue": {"replaces": w.relabel.active_label.code},
        "sla.calendar": {"name": "Office 2", "china_holidays": "y", "mon": "09:00-17:00",
                         "tue": "", "wed": "", "thu": "", "fri": "", "sat": "", "sun": ""},
        "sla.add_day": {"day": "2030-06-03", "is_working": "closed", "note": ""},
        "sla.schedule": {"days": ""},
        "notifications.channel": {"name": "Desk", "transport": "email", "customer_id": "0",
                                  "target": "desk@example.com", "secret": "",
                                  "kinds": list(STAFF_KINDS), "is_active": "y"},
    }


def _outcome(response) -> str:
    """The table's word for what a response is."""
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and "/accounts/login" in location and \
            "next=" in location:
        return LOGIN
    if response.status_code in (403, 404):
        return str(response.status_code)
    if response.status_code == 401:
        return "401"
    if response.status_code >= 500 or response.status_code == 400:
        return str(response.status_code)
    return OK


def test_every_endpoint_is_in_the_table(app):
    """The table and the URL map name the same endpoints; every row has a cell per role."""
    in_map = set(world.endpoints(app))
    missing, gone = sorted(in_map - set(TABLE)), sorted(set(TABLE) - in_map)
    assert not missing, f"endpoints missing from the permission table: {missing}"
    assert not gone, f"endpoints in the permission table but no longer in the app: {gone}"
    assert all(len(row) == len(ROLES) for row in TABLE.values())


def test_every_rule_of_every_endpoint_is_reached(app):
    """The seeded world has an address for each rule of each endpoint (/r/ and /R/ alike)."""
    urls = world.urls(app, world.build(), "technician")
    unreached = []
    for endpoint, rules in world.endpoints(app).items():
        reached = {getattr(world.matched_rule(app, url, m), "rule", None)
                   for url in urls.get(endpoint, ()) for m in ("GET", "POST")}
        unreached += [f"{endpoint} {rule.rule}" for rule in rules if rule.rule not in reached]
    assert not unreached, f"no address in the world reaches: {unreached}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_table_says(app, role):
    """Every endpoint, GET and POST, as this role; a forbidden POST changes no row."""
    client = app.test_client()
    w = world.build()
    world.act_as(client, w, role)
    token = world.csrf_token(client)
    urls, data = world.urls(app, w, role), post_data(w)
    column = ROLES.index(role)
    wrong = []
    for endpoint, row in TABLE.items():
        expected = row[column]
        for url in urls[endpoint]:
            for method in ("GET", "POST"):
                rule = world.matched_rule(app, url, method)
                if rule is None or rule.endpoint != endpoint:
                    continue
                before = world.fingerprint() if method == "POST" and expected != OK else None
                response = client.open(url, method=method, data={
                    "csrf_token": token, **data.get(endpoint, {})} if method == "POST" else None)
                got = _outcome(response)
                if got == OK and endpoint in AT_THE_MACHINE and \
                        "/r/" in response.headers.get("Location", "").lower():
                    got = REFUSED
                if got != expected:
                    wrong.append(f"{method} {url} ({endpoint}): expected {expected}, got "
                                 f"{response.status_code} {response.headers.get('Location', '')}")
                elif before is not None and world.fingerprint() != before:
                    wrong.append(f"{method} {url} ({endpoint}): refused, yet rows changed")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
