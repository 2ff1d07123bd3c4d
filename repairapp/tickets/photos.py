"""Re-encode uploaded photos: bounded size, upright, no EXIF (which may hold GPS)."""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

#: Larger than any phone camera (a 200 MP sensor bins to 50 MP photos); a tiny PNG that
#: claims more is a decompression bomb and is refused before it is decoded.
MAX_SOURCE_PIXELS = 60_000_000


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
        with warnings.catch_warnings():
            # Pillow only warns below twice its limit; any bomb warning is a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
        with img:
            if img.width * img.height > MAX_SOURCE_PIXELS:
                raise PhotoError(f"{img.width}x{img.height} is too many pixels")
            img.draft("RGB", (max_side, max_side))  # JPEG: decode at reduced scale, cheaply
            img = ImageOps.exif_transpose(img)
            img.thumbnail((max_side, max_side))
            out = io.BytesIO()
            img.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise PhotoError(str(exc)) from exc
    return Photo(out.getvalue(), img.width, img.height)
