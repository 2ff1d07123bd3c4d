"""A technician's phone inside WeChat changes network mid-job (new client address, NetType/4G
in the user agent) and stays logged in; log-out on another device still ends its session,
and what was typed meanwhile comes back after logging in again."""

import threading

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import make_server

import factories as f
from repairapp.accounts.models import Role
from repairapp.tickets.models import Status, WorkLog

pytestmark = pytest.mark.browser

WIFI_UA = ("Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
           "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 "
           "MicroMessenger/8.0.47.2560(0x28002F37) Process/tools WeChat/arm64 Weixin "
           "NetType/WIFI Language/zh_CN ABI/arm64")
G4_UA = WIFI_UA.replace("NetType/WIFI", "NetType/4G")
PHONE_360 = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 3,
             "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


@pytest.fixture
def proxied_server(app):
    """The app behind ProxyFix (one trusted proxy), as in production behind nginx; records the
    client address and user agent each request reached the app with."""
    seen: list[tuple[str, str]] = []

    def recording(environ, start_response):
        if not environ["PATH_INFO"].startswith("/static/"):
            seen.append((environ["REMOTE_ADDR"], environ.get("HTTP_USER_AGENT", "")))
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, ProxyFix(recording, x_for=1), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()


def _phone(browser, user_agent: str, address: str, storage_state=None):
    context = browser.new_context(user_agent=user_agent, storage_state=storage_state,
                                  extra_http_headers={"X-Forwarded-For": address}, **PHONE_360)
    context.set_default_timeout(15_000)
    return context


def _log_in(page, email: str) -> None:
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()


def _log_work(page, minutes: str, note: str) -> None:
    """Open "Log work" on the ticket page, fill it in and tap save."""
    work = page.locator("#work")
    if work.get_attribute("open") is None:
        work.locator("summary").click()
    work.locator("label.tile", has=page.locator("input[value=on_site]")).click()
    work.locator("input[name=minutes]").fill(minutes)
    work.locator("textarea[name=notes]").fill(note)
    work.locator("button.primary").click()
    page.wait_for_load_state()


def test_phone_keeps_its_session_across_wifi_to_4g_until_logged_out_elsewhere(
        app, browser, proxied_server, output_dir):
    """Wi-Fi -> other address -> 4G with NetType/4G: every tap still works without the log-in
    page; log-out on the laptop ends the phone's session; its typed note survives log-in."""
    base, seen = proxied_server
    tech = f.user(Role.TECHNICIAN, email="roaming@example.com", name="王工")
    job = f.ticket(assignee=tech, status=Status.ON_SITE)
    ticket_url = f"{base}/tickets/{job.id}"

    wifi = _phone(browser, WIFI_UA, "192.168.1.23")
    phone = wifi.new_page()
    phone.goto(f"{base}/accounts/login")
    _log_in(phone, tech.email)
    phone.goto(ticket_url)
    _log_work(phone, "20", "在车间 Wi-Fi 下记录 / logged on the workshop Wi-Fi")
    assert f.count(WorkLog) == 1 and "/accounts/login" not in phone.url
    phone.screenshot(path=output_dir / "40-roaming-wifi.png", full_page=True)

    wifi.set_extra_http_headers({"X-Forwarded-For": "192.168.7.101"})  # another access point
    phone.goto(ticket_url)
    assert phone.url == ticket_url

    g4 = _phone(browser, G4_UA, "10.64.3.7", storage_state=wifi.storage_state())
    wifi.close()
    phone = g4.new_page()
    phone.goto(ticket_url)  # the next tap, now on 4G
    assert phone.url == ticket_url
    _log_work(phone, "15", "切到 4G 后继续 / carried on over 4G")
    assert f.count(WorkLog) == 2 and phone.url == ticket_url
    phone.screenshot(path=output_dir / "41-roaming-4g.png", full_page=True)
    assert ("192.168.1.23", WIFI_UA) in seen and ("192.168.7.101", WIFI_UA) in seen
    assert ("10.64.3.7", G4_UA) in seen  # the app really saw both changes

    laptop = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                 extra_http_headers={"X-Forwarded-For": "172.16.0.9"})
    desk = laptop.new_page()
    desk.goto(f"{base}/accounts/login")
    _log_in(desk, tech.email)
    menu = desk.locator("header details.menu")  # log-out may sit in the header's menu
    if menu.count() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    desk.click("form[action$='/accounts/logout'] button")
    desk.wait_for_load_state()
    laptop.close()

    note = "更换了主轴轴承，试运行正常 / replaced the spindle bearing"
    _log_work(phone, "40", note)  # typed before noticing the session had ended
    assert "/accounts/login" in phone.url and f.count(WorkLog) == 2
    phone.screenshot(path=output_dir / "42-roaming-logged-out.png", full_page=True)
    _log_in(phone, tech.email)
    assert phone.url == ticket_url
    assert phone.locator("#work textarea[name=notes]").input_value() == note
    assert phone.locator("#work input[name=minutes]").input_value() == "40"
    assert "请检查后重新提交" in phone.inner_text("body")
    assert f.count(WorkLog) == 2  # shown again, never sent by itself
    phone.screenshot(path=output_dir / "43-roaming-form-kept.png", full_page=True)
    g4.close()
