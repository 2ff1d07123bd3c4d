import io
import re
from datetime import date

import pytest
from PIL import Image

import factories as f
from conftest import token_from


@pytest.fixture
def covered_asset():
    """An asset under a level-A contract (critical: response 1 h, resolution 4 h)."""
    plans = f.standard_plans()
    machine = f.asset(accepted=date(2020, 1, 1), name="WMS server", model="R750")
    f.contract(machine, plans["A"], date(2020, 1, 1), date(2099, 12, 31))
    return machine


def scan_url(asset) -> str:
    return f"/r/{asset.active_label.code}"


def jpeg_bytes(size=(3000, 2000), color="red", exif_gps=False) -> bytes:
    img = Image.new("RGB", size, color)
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_gps:
        exif[0x010F] = "PhoneMaker"          # Make
        exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPS IFD
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


class Requester:
    """A phone without login: opens the scan page and submits its form like a browser."""

    def __init__(self, client, url: str, lang="en"):
        self.client, self.url = client, url
        client.set_cookie("lang", lang)

    def open(self):
        return self.client.get(self.url)

    def form_fields(self, html: str) -> dict:
        key = re.search(r'name="key" type="hidden" value="([^"]+)"', html).group(1)
        return {"csrf_token": token_from(html), "key": key}

    def submit(self, html: str | None = None, photos=(), **fields):
        html = html or self.open().get_data(as_text=True)
        data = {"category": "error", "impact": "stopped", "description": "Alarm E42",
                "name": "周师傅", "phone": "139 0000 0001", **self.form_fields(html), **fields}
        data = {k: v for k, v in data.items() if v is not None}
        if photos:
            data["photos"] = [(io.BytesIO(p), f"p{i}.jpg") for i, p in enumerate(photos)]
        return self.client.post(self.url, data=data, content_type="multipart/form-data")


@pytest.fixture
def requester(client, covered_asset):
    return Requester(client, scan_url(covered_asset))
