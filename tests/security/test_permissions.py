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

OK, LOGIN, REFUSED = "ok", "login", "refused"
ADMIN_ONLY = (LOGIN, LOGIN, "403", "403", "403", OK, "403")
STAFF = (LOGIN, LOGIN, OK, OK, OK, OK, OK)
#: The assigned technician and dispatch; managers read every ticket and change none.
TICKET_PAGE = (LOGIN, LOGIN, OK, "404", OK, OK, OK)
TICKET = (LOGIN, LOGIN, OK, "404", OK, OK, "403")
DISPATCH_ON_TICKET = (LOGIN, LOGIN, "403", "404", OK, OK, "403")
PUBLIC = (OK, OK, OK, OK, OK, OK, OK)
LINK = ("404", OK, OK, OK, OK, OK, OK)              # whoever holds the tracking link
MANAGERS = (LOGIN, LOGIN, "403", "403", "403", OK, OK)  # admins and managers
DESK = (LOGIN, LOGIN, "403", "403", OK, OK, "403")  # dispatchers and admins
REPORTS = (LOGIN, LOGIN, "403", "403", "403", OK, OK)  # admins and managers

#: Check-in and take answer a refusal by going back to the label's page with a message.
AT_THE_MACHINE = ("intake.check_in", "intake.take", "maintenance.start")

TABLE = {
    #                         anonymous link  technician other_tech dispatcher admin manager
    "main.index":             PUBLIC,
    "main.confirm_language":  PUBLIC,
    "main.set_language":      PUBLIC,
    "health.healthz":         PUBLIC,
    "health.readyz":          PUBLIC,
    "accounts.login":         PUBLIC,
    "accounts.password":      STAFF,
    "accounts.users":         ADMIN_ONLY,
    "accounts.edit_user":     ADMIN_ONLY,
    "intake.scan":            PUBLIC,
    "intake.add_info":        PUBLIC,
    "intake.check_in":        (LOGIN, LOGIN, OK, REFUSED, REFUSED, REFUSED, REFUSED),
    "intake.take":            (LOGIN, LOGIN, OK, OK, REFUSED, REFUSED, REFUSED),
    "tracking.show":          LINK,
    "tracking.submitted":     LINK,
    "tracking.confirm":       LINK,
    "tracking.reopen":        LINK,
    "tracking.complain":      LINK,
    "tracking.approve_quote": LINK,
    "tracking.decline_quote": LINK,
    "tracking.photo":         LINK,
    "tickets.index":          STAFF,
    "jobs.index":             STAFF,
    "tickets.detail":         TICKET_PAGE,
    "tickets.photo":          TICKET_PAGE,
    "tickets.change":         TICKET,
    "tickets.log_work":       TICKET,
    "tickets.triage":         DISPATCH_ON_TICKET,
    "tickets.merge":          DISPATCH_ON_TICKET,
    "tickets.resolve":        TICKET,
    "tickets.assign":         TICKET,
    "quotes.edit":            TICKET_PAGE,
    "quotes.save":            TICKET,
    "quotes.send":            TICKET,
    "quotes.not_quality":     TICKET,
    "dispatch.index":         (LOGIN, LOGIN, "403", "403", OK, OK, "403"),
    "manager.home":           MANAGERS,
    "assets.index":           ADMIN_ONLY,
    "assets.new":             ADMIN_ONLY,
    "assets.edit":            ADMIN_ONLY,
    "assets.import_csv":      ADMIN_ONLY,
    "assets.export_csv":      ADMIN_ONLY,
    "parts.index":            ADMIN_ONLY,
    "parts.new":              ADMIN_ONLY,
    "parts.edit":             ADMIN_ONLY,
    "parts.import_csv":       ADMIN_ONLY,
    "parts.export_csv":       ADMIN_ONLY,
    "customers.index":        ADMIN_ONLY,
    "customers.edit":         ADMIN_ONLY,
    "customers.site":         ADMIN_ONLY,
    "contracts.index":        ADMIN_ONLY,
    "contracts.edit":         ADMIN_ONLY,
    "contracts.import_csv":   ADMIN_ONLY,
    "contracts.export_csv":   ADMIN_ONLY,
    "contracts.plans":        ADMIN_ONLY,
    "contracts.plan":         ADMIN_ONLY,
    "billing.payment":        ADMIN_ONLY,
    "billing.renewal":        REPORTS,  # the account manager's link in a renewal notice
    "billing.renewal_pdf":    REPORTS,
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
    "reports.index":          REPORTS,
    "reports.download":       REPORTS,
    "reports.customer_report": REPORTS,
    "reports.customer_pdf":   REPORTS,
    "followups.index":        DESK,
    "followups.record":       DESK,
    "followups.complaints":   DESK,
    "followups.new_complaint": DESK,
    "followups.complaint":    DESK,
    "servicereports.view":    LINK,
    "servicereports.pdf":     LINK,
    "servicereports.index":   REPORTS,
    "servicereports.issue":   REPORTS,
    "servicereports.revoke":  REPORTS,
    "servicereports.renew":   REPORTS,
    "jobreports.sign":        TICKET,
    "jobreports.staff_pdf":   TICKET_PAGE,
    "jobreports.public_pdf":  LINK,
    "jobreports.correct":     DISPATCH_ON_TICKET,
    "maintenance.index":      ADMIN_ONLY,
    "maintenance.plan":       ADMIN_ONLY,
    "maintenance.visits":     DESK,
    "maintenance.assign":     DESK,
    "maintenance.start":      (LOGIN, LOGIN, OK, REFUSED, REFUSED, REFUSED, REFUSED),
    "maintenance.visit":      TICKET_PAGE,
    "maintenance.record":     (LOGIN, LOGIN, OK, "404", "403", "403", "403"),
    "maintenance.photo":      TICKET_PAGE,
    "maintenance.round_page": TICKET_PAGE,
    "maintenance.move":       (LOGIN, LOGIN, OK, "404", "403", "403", "403"),
    "maintenance.sign_visit": (LOGIN, LOGIN, OK, "404", "403", "403", "403"),
    "maintenance.sign_round": (LOGIN, LOGIN, OK, "404", "403", "403", "403"),
    "maintenance.report_pdf_file": TICKET_PAGE,
    "accounts.logout":        STAFF,
}


def _outcome(asked: world.Asked) -> str:
    """The table's word for what an answer is."""
    if asked.status in (301, 302, 303) and "/accounts/login" in asked.location and \
            "next=" in asked.location:
        return LOGIN
    if asked.status in (400, 401, 403, 404) or asked.status >= 500:
        return str(asked.status)
    if asked.endpoint in AT_THE_MACHINE and "/r/" in asked.location.lower():
        return REFUSED
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
    column = ROLES.index(role)
    wrong = []
    for asked in world.sweep(app, role):
        expected = TABLE[asked.endpoint][column]
        got = _outcome(asked)
        if got != expected:
            wrong.append(f"{asked.method} {asked.url} ({asked.endpoint}): expected {expected}, "
                         f"got {asked.status} {asked.location}")
        elif expected != OK and asked.changed_rows:
            wrong.append(f"{asked.method} {asked.url} ({asked.endpoint}): refused, yet rows "
                         f"changed")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
