"""Re-encode uploaded photos: bounded size, upright, no EXIF (which may hold GPS)."""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# A decompression bomb is refused long before it can fill memory.
Image.MAX_IMAGE_PIXELS = 60_000_000


class PhotoError(ValueError):
    """The upload is not a usable image."""


@dataclass(frozen=True)
class Photo:
    content: bytes
    width: int
    height: int


def reencode(data: bytes, max_side: int) -> Photo:
    """A JPEG no larger than max_side on its longest side, turned upright, metadata dropped."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img)
            img.thumbnail((max_side, max_side))
            out = io.BytesIO()
            img.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PhotoError(str(exc)) from exc
    return Photo(out.getvalue(), img.width, img.height)
