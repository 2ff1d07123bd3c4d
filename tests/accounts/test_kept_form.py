"""A staff form posted after the session ended comes back, after log-in, with what was typed."""

import re

import factories as f
from conftest import Auth, token_from
from repairapp.accounts.models import Role
from repairapp.assets.models import Asset
from repairapp.extensions import db
from repairapp.tickets.models import Status, Ticket, WorkLog

NOTE = "换了主板，风扇也清洁了 / replaced the board, cleaned the fan"


def _form(page: str, action: str) -> str:
    """The HTML of the form on the page that posts to `action`."""
    match = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', page, re.S)
    assert match, f"no form posting to {action}"
    return match.group(0)


def _session_ends_elsewhere(app, email: str) -> None:
    other = app.test_client()
    Auth(other).login(email)
    Auth(other).logout()


def _open_job(client, auth):
    """A technician logged in with their on-site job's page open: (tech, job, CSRF token)."""
    tech = f.user(Role.TECHNICIAN)
    job = f.ticket(assignee=tech, status=Status.ON_SITE)
    auth.login(tech.email)
    return tech, job, token_from(client.get(f"/tickets/{job.id}").get_data(as_text=True))


def test_work_log_posted_after_log_out_elsewhere_comes_back_after_log_in(app, client, auth):
    """The typed note, minutes and part are in the work-log form after log-in, with the
    message; nothing was saved, and the form is empty again on the next visit."""
    tech, job, token = _open_job(client, auth)
    client.set_cookie("lang", "en")
    _session_ends_elsewhere(app, tech.email)
    response = client.post(f"/tickets/{job.id}/work", data={
        "csrf_token": token, "work_type": "on_site", "minutes": "35", "notes": NOTE,
        "parts-0-item": "主板 mainboard", "parts-0-quantity": "1"},
        headers={"Referer": f"http://localhost/tickets/{job.id}"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/accounts/login?next=/tickets/{job.id}"
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "what you typed comes back" in login_page
    page = client.post(response.headers["Location"], data={
        "email": tech.email, "password": f.PASSWORD, "csrf_token": token_from(login_page)},
        follow_redirects=True).get_data(as_text=True)
    work = _form(page, f"/tickets/{job.id}/work")
    assert NOTE in work and 'value="35"' in work and 'value="主板 mainboard"' in work
    assert 'value="on_site" checked' in work or re.search(r'checked[^>]*value="on_site"', work)
    assert "here is what you typed — check and send again" in page
    assert '<details class="card" id="work" open>' in page  # not folded away
    assert NOTE not in _form(page, f"/tickets/{job.id}/resolve")
    assert f.count(WorkLog) == 0  # never submitted
    assert NOTE not in client.get(f"/tickets/{job.id}").get_data(as_text=True)


def _log_in_again(client, email: str, next_url: str) -> str:
    """Log in from the log-in page `next_url` and return the page it leads to."""
    login_page = client.get(next_url).get_data(as_text=True)
    return client.post(next_url, data={"email": email, "password": f.PASSWORD,
                                       "csrf_token": token_from(login_page)},
                       follow_redirects=True).get_data(as_text=True)


def test_resolve_note_after_idle_timeout_fills_the_resolve_form(client, auth, time_passes):
    """After the idle timeout the resolution note comes back in the resolve form (not the
    work-log form, which has the same fields), even without a Referer."""
    tech, job, token = _open_job(client, auth)
    time_passes(client, 80)
    response = client.post(f"/tickets/{job.id}/resolve", data={
        "csrf_token": token, "work_type": "remote", "minutes": "20", "notes": NOTE})
    assert response.headers["Location"] == f"/accounts/login?next=/tickets/{job.id}"
    page = _log_in_again(client, tech.email, response.headers["Location"])
    assert NOTE in _form(page, f"/tickets/{job.id}/resolve")
    assert "登录已过期，这是您刚才填写的内容——请检查后重新提交。" in page
    assert NOTE not in _form(page, f"/tickets/{job.id}/work")
    assert db.session.get(Ticket, job.id).status is Status.ON_SITE


def test_someone_else_logging_in_on_that_browser_does_not_see_it(app, client, auth):
    """What one person typed is never shown to another who logs in on the same device."""
    tech, job, token = _open_job(client, auth)
    dispatcher = f.user(Role.DISPATCHER)
    _session_ends_elsewhere(app, tech.email)
    client.post(f"/tickets/{job.id}/work", data={
        "csrf_token": token, "work_type": "remote", "minutes": "5", "notes": NOTE})
    page = _log_in_again(client, dispatcher.email, f"/accounts/login?next=/tickets/{job.id}")
    assert f"/tickets/{job.id}/work" in page and NOTE not in page
    auth.logout()
    page = _log_in_again(client, tech.email, f"/accounts/login?next=/tickets/{job.id}")
    assert f"/tickets/{job.id}/work" in page and NOTE not in page  # forgotten meanwhile


def test_admin_asset_edit_comes_back_with_the_typed_values(app, client, auth, time_passes):
    """An admin's asset edit posted after the 7-day lifetime shows the typed name, not the
    stored one."""
    admin = f.user(Role.ADMIN)
    asset = f.asset()
    auth.login(admin.email)
    page = client.get(f"/assets/{asset.id}").get_data(as_text=True)
    time_passes(client, 7 * 24 + 1)
    response = client.post(f"/assets/{asset.id}", data={
        "csrf_token": token_from(page), "tag": asset.tag, "name": "CNC-7 车床（二号车间）",
        "model": "VMC-850", "site_id": str(asset.site_id), "warranty_months": "24"},
        headers={"Referer": f"http://localhost/assets/{asset.id}"})
    page = _log_in_again(client, admin.email, response.headers["Location"])
    assert 'value="CNC-7 车床（二号车间）"' in page and 'value="24"' in page
    db.session.expire_all()
    assert db.session.get(Asset, asset.id).name != "CNC-7 车床（二号车间）"


def test_a_button_without_typing_just_asks_to_log_in(app, client, auth):
    """A status button tapped after the session ended keeps nothing and says so plainly;
    the log-in leads back to the ticket, not to an address that only takes POST."""
    tech, job, token = _open_job(client, auth)
    client.set_cookie("lang", "en")
    _session_ends_elsewhere(app, tech.email)
    response = client.post(f"/tickets/{job.id}/status", data={
        "csrf_token": token, "to": "waiting_parts", "go": ""})
    assert response.headers["Location"] == f"/accounts/login?next=/tickets/{job.id}"
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please log in" in login_page and "what you typed" not in login_page
    with client.session_transaction() as session:
        assert "_kept_form" not in session


def test_nothing_is_kept_without_the_forms_csrf_token(app, client, auth):
    """A post without the page's CSRF token (e.g. from another site) is refused, not kept."""
    tech, job, _token = _open_job(client, auth)
    _session_ends_elsewhere(app, tech.email)
    response = client.post(f"/tickets/{job.id}/work", data={
        "work_type": "remote", "minutes": "5", "notes": NOTE})
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_kept_form" not in session


def test_a_very_long_note_is_shortened_to_fit_the_cookie(app, client, auth):
    """4000 Chinese characters cannot ride in a cookie: the start comes back, marked "…"."""
    tech, job, token = _open_job(client, auth)
    _session_ends_elsewhere(app, tech.email)
    long_note = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(4000))
    response = client.post(f"/tickets/{job.id}/work", data={
        "csrf_token": token, "work_type": "remote", "minutes": "5", "notes": long_note})
    assert all(len(c) < 4093 for c in response.headers.getlist("Set-Cookie"))
    work = _form(_log_in_again(client, tech.email, response.headers["Location"]),
                 f"/tickets/{job.id}/work")
    kept = re.search(r"<textarea[^>]*>\s*(.*?)</textarea>", work, re.S).group(1)
    assert kept.endswith("…") and long_note.startswith(kept[:-1]) and len(kept) > 100
