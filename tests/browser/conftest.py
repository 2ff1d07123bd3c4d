"""Real headless Chromium (Debian's package) driven by Playwright, at a phone viewport."""

import io
import os

import pytest
from PIL import Image
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update"]
PHONE = {"viewport": {"width": 375, "height": 667}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh phone (own cookies), in Chinese like most of our requesters."""
    context = browser.new_context(locale="zh-CN", **PHONE)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def camera_photo(tmp_path):
    """A 4000x3000 photo full of detail, as a phone camera makes (several MB)."""
    img = Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3))
    path = tmp_path / "IMG_0001.jpg"
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    path.write_bytes(buf.getvalue())
    return path
