"""Image decoding: only JPEG, PNG and WebP are opened, a decompression bomb is refused from its
header, one decode's peak memory stays under 100 MiB (measured), decodes per process are
bounded, and the photos people send still arrive upright."""

import functools
import io
import json
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

import factories as f
from intake.conftest import Requester, jpeg_bytes, scan_url
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.tickets import photos
from repairapp.tickets.models import Ticket, TicketPhoto

MAX_SIDE = 1600
LIMIT_MIB = 100

#: Runs in a fresh interpreter (photos.py loaded alone, without the app). Its peak resident
#: memory (VmHWM: ru_maxrss would include the forking test process's) over the peak once the
#: upload is read and Pillow's readers imported is what the decode took.
CHILD = r"""
import importlib.util, json, sys
from PIL import JpegImagePlugin, PngImagePlugin, WebPImagePlugin, ImageOps  # noqa: F401
spec = importlib.util.spec_from_file_location("photos", sys.argv[3])
photos = importlib.util.module_from_spec(spec)
spec.loader.exec_module(photos)

def peak_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

data = open(sys.argv[1], "rb").read()
baseline = peak_kib()
try:
    photo = photos.reencode(data, int(sys.argv[2]))
    result = [photo.width, photo.height]
except photos.PhotoTooLarge:
    result = "too large"
print(json.dumps({"mib": (peak_kib() - baseline) / 1024, "result": result}))
"""


def measure(path: Path) -> dict:
    """Re-encode the file in a fresh process: the peak memory it took (MiB) and the result."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(MAX_SIDE),
                           photos.__file__],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


MB = 2**20
#: Each way of decoding the form accepts: format, Pillow mode, save options, and bytes of
#: metadata (EXIF for PNG and WebP, application markers for JPEG) that Pillow keeps.
KINDS = {
    "png-rgba": ("PNG", "RGBA", {}, 0),
    "png-rgb": ("PNG", "RGB", {}, 0),
    "png-rgba-20mb-exif": ("PNG", "RGBA", {}, 20 * MB),
    "webp-rgba": ("WEBP", "RGBA", {"lossless": True}, 0),
    "webp-rgb": ("WEBP", "RGB", {}, 0),
    "webp-rgba-10mb-exif": ("WEBP", "RGBA", {"lossless": True}, 10 * MB),
    "jpeg-baseline": ("JPEG", "RGB", {}, 0),
    "jpeg-progressive-420": ("JPEG", "RGB", {"progressive": True}, 0),
    "jpeg-progressive-444": ("JPEG", "RGB", {"progressive": True, "subsampling": 0}, 0),
    "jpeg-progressive-cmyk": ("JPEG", "CMYK", {"progressive": True}, 0),
    "jpeg-progressive-20mb-markers": ("JPEG", "RGB", {"progressive": True}, 20 * MB),
}
#: What an image of uniform colour adds to the metadata (compressed pixels, headers).
SLACK = 200_000


def encoded(kind: str, size: tuple[int, int]) -> bytes:
    fmt, mode, options, extra = KINDS[kind]
    if extra and fmt != "JPEG":  # a valid, empty EXIF block followed by padding
        options = {**options, "exif": b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0" + bytes(extra)}
    out = io.BytesIO()
    Image.new(mode, size, "red" if mode != "CMYK" else (0, 255, 255, 0)).save(out, fmt,
                                                                                **options)
    data = out.getvalue()
    if extra and fmt == "JPEG":  # application markers of 64 KB right after the start
        segment = b"\xff\xef\xff\xff" + bytes(0xFFFF - 2)
        data = data[:2] + segment * (extra // len(segment)) + data[2:]
    return data


def header_for(kind: str, side: int, slack: int = SLACK) -> photos.Header:
    """The header a square image of this kind has (as read_header reads it, but for the
    metadata's exact length)."""
    fmt, mode, options, extra = KINDS[kind]
    metadata = (1 if fmt == "JPEG" else 2) * (extra + slack)
    return photos.Header(fmt, (side, side), metadata_bytes=metadata,
                         sampling=jpeg_sampling(mode, options) if fmt == "JPEG" else (),
                         streamed=fmt == "JPEG" and not options.get("progressive"))


def jpeg_sampling(mode: str, options: dict) -> tuple[tuple[int, int], ...]:
    """The sampling factors Pillow writes: RGB is 4:2:0 unless told otherwise; CMYK and
    4:4:4 keep every component at full size."""
    if mode == "RGB" and options.get("subsampling", 2) == 2:
        return (2, 2), (1, 1), (1, 1)
    return ((1, 1),) * len(mode)


def worst_accepted(kind: str) -> int:
    """The side of the square image of this kind that the estimate lets through with the
    highest peak (an image one pixel wider is sometimes cheaper: JPEG decodes at 1/2)."""
    accepted = [side for side in range(64, 8000)
                if side * side <= photos.MAX_SOURCE_PIXELS
                and photos.peak_bytes(header_for(kind, side), MAX_SIDE) <= photos.DECODE_BUDGET]
    return max(accepted, key=lambda side: photos.peak_bytes(header_for(kind, side), MAX_SIDE))


def smallest_refused(kind: str) -> int:
    """The side of the smallest square image of this kind the estimate refuses, whatever
    little metadata it has."""
    return next(side for side in range(64, 20000)
                if photos.peak_bytes(header_for(kind, side, slack=0), MAX_SIDE)
                > photos.DECODE_BUDGET
                or side * side > photos.MAX_SOURCE_PIXELS)


@pytest.mark.parametrize("kind", KINDS)
def test_the_worst_upload_accepted_decodes_under_100_mib(kind, tmp_path):
    """Of each format and mode, the accepted image with the highest estimated peak decodes
    in under 100 MiB (measured in a fresh process), and the estimate is not below it."""
    side = worst_accepted(kind)
    path = tmp_path / "photo"
    path.write_bytes(encoded(kind, (side, side)))
    header = photos.read_header(path.read_bytes())
    expected = header_for(kind, side)
    assert header.metadata_bytes <= expected.metadata_bytes
    assert header == replace(expected, metadata_bytes=header.metadata_bytes)
    measured = measure(path)
    assert measured["result"] == [MAX_SIDE, MAX_SIDE]
    assert measured["mib"] < LIMIT_MIB
    assert measured["mib"] * MB <= photos.peak_bytes(header, MAX_SIDE) + 4 * MB, \
        "the estimate is below what the decode took: raise BYTES_PER_PIXEL"


def test_the_largest_jpeg_accepted_decodes_at_reduced_scale(tmp_path):
    """A 60 MP baseline JPEG (a 200 MP phone's binned photo) is accepted and decoded at 1/4
    scale, far under 100 MiB."""
    size = (8944, 6708)
    assert size[0] * size[1] <= photos.MAX_SOURCE_PIXELS
    path = tmp_path / "big.jpg"
    path.write_bytes(encoded("jpeg-baseline", size))
    measured = measure(path)
    assert measured["result"] == [1600, 1200] and measured["mib"] < 40


@pytest.mark.parametrize("kind", ["jpeg-baseline", "jpeg-progressive-420"])
def test_a_12_mp_phone_photo_is_accepted_baseline_or_progressive(kind, tmp_path):
    """A 4032 x 3024 4:2:0 JPEG, as the camera writes it (baseline) or as an editor or a
    web page saves it (progressive), is stored, taking under 100 MiB and no more than
    estimated (the estimate once counted 6 bytes a pixel of coefficients and refused it)."""
    size = (4032, 3024)
    path = tmp_path / "phone.jpg"
    path.write_bytes(encoded(kind, size))
    header = photos.read_header(path.read_bytes())
    assert header.sampling == ((2, 2), (1, 1), (1, 1))
    assert photos.peak_bytes(header, MAX_SIDE) <= photos.DECODE_BUDGET
    measured = measure(path)
    assert measured["result"] == [1600, 1200] and measured["mib"] < LIMIT_MIB
    assert measured["mib"] * MB <= photos.peak_bytes(header, MAX_SIDE) + 4 * MB


def test_coefficients_are_counted_per_component_padded_to_whole_blocks():
    """libjpeg keeps a block of 64 two-byte coefficients per 8 x 8 pixels of each component,
    each component padded to its sampling factors: 4:2:0 takes half what 4:4:4 does."""
    full, quarter = ((1, 1),) * 3, ((2, 2), (1, 1), (1, 1))
    assert photos.coefficient_bytes((4032, 3024), full) == 3 * 504 * 378 * 128
    assert photos.coefficient_bytes((4032, 3024), quarter) == (504 * 378 + 2 * 252 * 189) * 128
    # 17 x 9 pixels: Y pads to 4 x 2 blocks (two 16 x 16 MCUs across), Cb and Cr to 2 x 1.
    assert photos.coefficient_bytes((17, 9), quarter) == (4 * 2 + 2 * 2 * 1) * 128


@pytest.mark.parametrize("factors", [0x00, 0x50, 0x05])
def test_a_jpeg_frame_with_impossible_sampling_is_not_a_photo(factors):
    """A sampling factor of 0 or 5 (libjpeg allows 1 to 4) is refused from the header as
    unreadable, never divided by."""
    data = bytearray(encoded("jpeg-progressive-420", (64, 64)))
    frame = data.index(b"\xff\xc2")
    data[frame + 11] = factors  # the first component's (h << 4 | v)
    with pytest.raises(photos.PhotoError, match="frame header"):
        photos.reencode(bytes(data), MAX_SIDE)


@pytest.mark.parametrize("kind", ["png-rgba", "jpeg-progressive-444", "webp-rgba"])
def test_a_bomb_just_over_the_cap_is_refused_without_decoding(kind, tmp_path):
    """One pixel more on each side than the cap allows: refused from the header, taking
    next to no memory."""
    side = smallest_refused(kind)
    path = tmp_path / "bomb"
    path.write_bytes(encoded(kind, (side, side)))
    measured = measure(path)
    assert measured["result"] == "too large" and measured["mib"] < 5


def test_a_webp_canvas_bomb_is_refused_before_libwebp_allocates_it(tmp_path):
    """A 40-byte-header WebP claiming 16384 x 16384 (libwebp would allocate 2 GB when opening
    it) is refused before Pillow opens it."""
    small = bytearray(encoded("webp-rgba", (8, 8)))
    assert small[12:16] == b"VP8L"
    bits = int.from_bytes(small[21:25], "little")
    small[21:25] = ((bits & ~0xFFFFFFF) | 16383 | (16383 << 14)).to_bytes(4, "little")
    assert photos.read_header(bytes(small)).size == (16384, 16384)
    path = tmp_path / "bomb.webp"
    path.write_bytes(bytes(small))
    measured = measure(path)
    assert measured["result"] == "too large" and measured["mib"] < 5


@functools.cache
def png_bomb() -> bytes:
    """A PNG of 9000 x 9000 pixels (81 MP, 324 MB decoded as RGBA) in about 10 KB."""
    bomb = io.BytesIO()
    Image.new("1", (9000, 9000)).save(bomb, "PNG")
    return bomb.getvalue()


def test_png_bomb_is_refused_without_decoding():
    """A 10 KB PNG of 81 MP is PhotoTooLarge before Pillow even opens it."""
    assert len(png_bomb()) < 100_000
    with pytest.raises(photos.PhotoTooLarge) as refused:
        photos.reencode(png_bomb(), MAX_SIDE)
    assert refused.value.size == (9000, 9000)


def eps() -> bytes:
    return (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
            b"(%pipe%id) (w) file\nshowpage\n%%EOF\n")


def other_format(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, fmt)
    return out.getvalue()


@pytest.fixture
def requester(client):
    plans = f.standard_plans()
    machine = f.asset(accepted=date(2020, 1, 1))
    f.contract(machine, plans["A"], date(2020, 1, 1), date(2099, 12, 31))
    return Requester(client, scan_url(machine))


@pytest.mark.parametrize("content", [
    pytest.param(eps(), id="eps"),
    pytest.param(b"%!PS-Adobe-3.0\n/Times findfont\nshowpage\n", id="postscript"),
    pytest.param(lambda: other_format("TIFF"), id="tiff"),
    pytest.param(lambda: other_format("GIF"), id="gif"),
    pytest.param(lambda: other_format("BMP"), id="bmp"),
    pytest.param(b"\xff\xd8\xff\xe0 cut short", id="broken-jpeg"),
])
def test_formats_phones_do_not_send_are_refused_with_a_message(requester, content):
    """EPS, PostScript, TIFF, GIF and BMP, each named p0.jpg, get a message on the photo
    field; what was typed comes back; no ticket."""
    data = content() if callable(content) else content
    response = requester.submit(photos=[data], description="Spindle alarm 7")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f.count(Ticket) == 0
    assert "not a photo we can read: send JPEG, PNG or WebP" in page
    assert "Spindle alarm 7" in page


def test_the_form_names_a_bomb_in_both_languages(requester):
    """A PNG bomb gets its size named on the photo field, in English and Chinese."""
    english = requester.submit(photos=[png_bomb()]).get_data(as_text=True)
    assert "A photo is too large to read (9000 × 9000 pixels)" in english
    requester.client.set_cookie("lang", "zh")
    chinese = requester.submit(photos=[png_bomb()]).get_data(as_text=True)
    assert "9000 × 9000" in chinese and "照片太大" in chinese
    assert f.count(Ticket) == 0


def test_photos_people_send_are_still_accepted(requester):
    """A phone JPEG, a PNG screenshot and a WebP arrive as three stored JPEGs."""
    png, webp = io.BytesIO(), io.BytesIO()
    Image.new("RGBA", (1290, 2796), (0, 0, 255, 255)).save(png, "PNG")
    Image.new("RGB", (1080, 1920), "green").save(webp, "WEBP")
    response = requester.submit(photos=[jpeg_bytes((4032, 3024)), png.getvalue(),
                                        webp.getvalue()])
    assert response.status_code == 302
    stored = db.session.scalars(sa.select(TicketPhoto).order_by(TicketPhoto.id)).all()
    assert [(p.width, p.height) for p in stored] == [(1600, 1200), (738, 1600), (900, 1600)]
    assert all(p.content[:3] == b"\xff\xd8\xff" for p in stored)


def test_exif_orientation_still_turns_the_photo_upright(requester):
    """A landscape sensor image tagged "rotate 90°" (EXIF orientation 6) is stored portrait."""
    img, out = Image.new("RGB", (3000, 2000), "red"), io.BytesIO()
    img.paste("blue", (0, 0, 3000, 200))  # the top edge becomes the right edge
    exif = Image.Exif()
    exif[0x0112] = 6
    img.save(out, "JPEG", exif=exif)
    assert requester.submit(photos=[out.getvalue()]).status_code == 302
    stored = Image.open(io.BytesIO(db.session.scalar(sa.select(TicketPhoto.content))))
    assert stored.size == (1067, 1600) and not stored.getexif()
    assert stored.getpixel((1060, 800))[2] > 200 and stored.getpixel((10, 800))[0] > 200


def test_corrupt_exif_does_not_lose_the_photo(requester):
    """A Make tag of an unknown type (rewriting such EXIF raised struct.error: a 500) is
    ignored; the orientation beside it still turns the photo upright."""
    img, out = Image.new("RGB", (300, 200), "red"), io.BytesIO()
    exif = Image.Exif()
    exif[0x0112], exif[0x010F] = 6, "PhoneMaker"
    img.save(out, "JPEG", exif=exif)
    data = bytearray(out.getvalue())
    data[data.index(b"MM\0*") + 11] = 35  # the first entry's (Make) type
    assert requester.submit(photos=[bytes(data)]).status_code == 302
    stored = Image.open(io.BytesIO(db.session.scalar(sa.select(TicketPhoto.content))))
    assert stored.size == (200, 300)


def test_a_busy_process_asks_to_send_again(requester, app, monkeypatch):
    """With every decode slot taken, the form comes back asking to send again, keeping what
    was typed; once a slot is free the same photo is accepted."""
    monkeypatch.setitem(app.config, "PHOTO_DECODE_WAIT", 0.05)
    slots = photos.decode_slots(app.config["PHOTO_DECODES"])
    taken = 0
    try:
        while slots.acquire(blocking=False):
            taken += 1
        assert taken == app.config["PHOTO_DECODES"]
        response = requester.submit(photos=[jpeg_bytes((200, 100))], description="E42 again")
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and f.count(Ticket) == 0
        assert "The server is busy reading other photos" in page and "E42 again" in page
    finally:
        for _ in range(taken):
            slots.release()
    assert requester.submit(photos=[jpeg_bytes((200, 100))]).status_code == 302


def test_staff_photo_uploads_are_checked_the_same_way(client, auth):
    """A technician's work log with a TIFF or a bomb gets the message and logs nothing."""
    tech = f.user(Role.TECHNICIAN)
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    ticket = f.ticket(assignee=tech)
    url = f"/tickets/{ticket.id}"
    for data, message in ((other_format("TIFF"), "not a photo we can read"),
                          (png_bomb(), "A photo is too large to read")):
        response = auth.post(f"{url}/work", {
            "work_type": "remote", "minutes": "5", "notes": "checked fuses",
            "photos": [(io.BytesIO(data), "p.jpg")]}, page_url=url,
            content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert message in page and "checked fuses" in page
    assert f.fresh(ticket).work_logs == []
