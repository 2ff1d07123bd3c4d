"""The customer's drawn signature: a PNG data URL from the signature pad, checked and
re-encoded on the server before anything is stored.

Only PNG is taken, at most MAX_BYTES decoded and MAX_WIDTH x MAX_HEIGHT pixels, read by
Pillow to the last pixel. The image is re-encoded (grey with alpha, no text chunks), so
nothing but the strokes is kept. A pad left blank counts as no drawing.
"""

import base64
import binascii
import io
import warnings

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

PREFIX = "data:image/png;base64,"
MAX_BYTES = 300 * 1024
MAX_WIDTH, MAX_HEIGHT = 2000, 1000


class BadSignature(ValueError):
    """What was posted is not a signature we keep; the message says why (for the form)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        #: "not_png" | "too_large" | "too_big" (dimensions)
        self.reason = reason


def _decoded(data_url: str) -> bytes:
    if not data_url.startswith(PREFIX):
        raise BadSignature("not_png")
    encoded = data_url[len(PREFIX):]
    if len(encoded) > (MAX_BYTES * 4) // 3 + 4:
        raise BadSignature("too_large")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise BadSignature("not_png") from None


def _image(raw: bytes) -> Image.Image:
    # Pillow reads the size from the header: too many pixels are refused before decoding.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=["PNG"])
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise BadSignature("too_big") from None
    except (UnidentifiedImageError, OSError):
        raise BadSignature("not_png") from None
    if image.width > MAX_WIDTH or image.height > MAX_HEIGHT:
        raise BadSignature("too_big")
    try:
        image.load()
    except (OSError, ValueError, SyntaxError):
        raise BadSignature("not_png") from None
    return image


def clean_png(data_url: str) -> bytes | None:
    """The signature re-encoded as PNG, or None for no drawing (empty or blank pad).
    Raises BadSignature for anything else than a bounded PNG."""
    data_url = (data_url or "").strip()
    if not data_url:
        return None
    raw = _decoded(data_url)
    if len(raw) > MAX_BYTES:
        raise BadSignature("too_large")
    image = _image(raw).convert("LA")
    if image.getchannel("A").getbbox() is None:  # nothing drawn
        return None
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def read(form) -> tuple[bool, bytes | None]:
    """A sign form's drawing: (True, the PNG or None for no drawing), or (False, None) with
    the reason put on the form and the pad emptied (the typed name is kept)."""
    try:
        return True, clean_png(form.signature.data)
    except BadSignature as error:
        form.signature.errors = [message(error)]
        form.signature.data = ""
        return False, None


def message(error: BadSignature) -> str:
    if error.reason == "not_png":
        return _("The drawn signature could not be read (only a PNG image from the signature "
                 "pad is accepted). Clear the pad, sign again and send.")
    return _("The drawn signature is too large. Clear the pad, sign again and send.")
