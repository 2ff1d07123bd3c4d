"""Real headless Chromium (Debian's package) driven by Playwright, at a phone viewport."""

import io
import os
import re

import pytest
from PIL import Image
from playwright.sync_api import sync_playwright

import factories as f

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update"]
PHONE = {"viewport": {"width": 375, "height": 667}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
#: WeChat's in-app browser on a small Android phone (XWEB is Chromium inside WeChat).
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) "
             "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile "
             "Safari/537.36 XWEB/1160117 MMWEBSDK/20240301 MMWEBID/6204 "
             "MicroMessenger/8.0.48.2580(0x28003035) WeChat/arm64 Weixin NetType/WIFI "
             "Language/zh_CN ABI/arm64")
WECHAT_PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 3,
                "is_mobile": True, "has_touch": True, "user_agent": WECHAT_UA}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def _phone(browser, device: dict):
    context = browser.new_context(locale="zh-CN", **device)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def phone(browser):
    """A fresh phone (own cookies), in Chinese like most of our requesters."""
    yield from _phone(browser, PHONE)


@pytest.fixture
def wechat_phone(browser):
    """A 360×640 Android phone opening pages inside WeChat, in Chinese."""
    yield from _phone(browser, WECHAT_PHONE)


def log_in(page, live_server, email):
    """A member of staff logs in on `page` with the factories' password."""
    page.goto(f"{live_server}/accounts/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()


def staff_phone(browser, live_server, email, timeout=15_000, **options):
    """A WeChat phone logged in as `email`: (context, page, the console's errors so far).
    `options` go to the browser context (e.g. java_script_enabled=False)."""
    context = browser.new_context(locale="zh-CN", **WECHAT_PHONE, **options)
    context.set_default_timeout(timeout)
    errors = []
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, email)
    return context, page, errors


@pytest.fixture(scope="session")
def camera_photo(tmp_path_factory):
    """A 4000x3000 photo full of detail, as a phone camera makes (several MB); made once,
    the tests only read it."""
    img = Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3))
    path = tmp_path_factory.mktemp("camera") / "IMG_0001.jpg"
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture
def demo_scan_url(demo, runner, live_server):
    """The first scan URL `flask demo load` prints (what `make run` shows a newcomer). The
    demo is the one loaded at its first use in the run (see the `demo` fixture); the command
    then finds it there and prints its logins and links, as a second `make run` does."""
    demo()
    output = runner.invoke(args=["demo", "load", "--base-url", live_server]).output
    return re.search(rf"{re.escape(live_server)}/r/[0-9A-Z]{{12}}", output).group(0)


def file_request(page, scan_url, photo):
    page.goto(scan_url)
    page.locator("label.tile", has=page.locator("input[value=error]")).click()
    page.locator("label.tile", has=page.locator("input[value=stopped]")).click()
    page.fill("textarea[name=description]", "报警 E42，主轴不转 / spindle alarm")
    page.fill("input[name=name]", "周师傅")
    page.fill("input[name=phone]", "139 0000 0001")
    page.set_input_files("input[name=photos]", str(photo))
    page.wait_for_selector("#request button.primary:enabled")  # photo shrunk
    with page.expect_request(lambda r: r.method == "POST") as posted:
        page.click("#request button.primary")
    page.wait_for_url("**/submitted")
    return posted.value


