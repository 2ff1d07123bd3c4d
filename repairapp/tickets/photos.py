"""Re-encode uploaded photos: bounded size, upright, no EXIF (which may hold GPS).

Only what phones send is opened (JPEG, PNG, WebP), never a format whose plugin calls out to
another program (EPS runs Ghostscript). The memory a decode will take is worked out from the
file's header before Pillow opens it, and a process runs only a few decodes at once."""

import io
import struct
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import ExifTags, Image, PngImagePlugin, UnidentifiedImageError

#: Formats Pillow may try (its JPEG reader also opens MPO, the JPEG with extras phones write).
FORMATS = ("JPEG", "PNG", "WEBP")
#: Larger than any phone camera (a 200 MP sensor bins to 50 MP photos). Also bounds the time
#: one decode takes: a JPEG decoded at 1/8 scale still reads every block.
MAX_SOURCE_PIXELS = 60_000_000
#: One decode's peak memory as `peak_bytes` estimates it; what the estimate leaves out keeps
#: the measured peak under 100 MB (tests/security/test_photos.py measures the worst cases).
DECODE_BUDGET = 90 * 2**20
#: Bytes held per decoded pixel, measured with Pillow 13 on each format's worst mode and
#: rounded up: WebP, libwebp's canvases, the frame it hands over and Pillow's copy; PNG, the
#: image and, while an RGBA one is scaled, its premultiplied copy; JPEG, the image decoded
#: at reduced scale (Pillow keeps RGB in 4 bytes a pixel).
BYTES_PER_PIXEL = {"WEBP": 16, "PNG": 8, "JPEG": 4}
#: Scaling down (thumbnail) adds, in 4-byte pixels: a copy reduced by a whole factor (at most
#: a quarter of the image), a pass of the final width over every row, and the result.
SCALING_BYTES_PER_PIXEL = 4
#: Per pixel of the stored photo, once the source is freed: the image, and the encoder's
#: coefficients for optimised Huffman tables.
OUTPUT_BYTES_PER_PIXEL = 8
#: A progressive JPEG, or one whose first scan lacks a colour component, makes libjpeg keep
#: every DCT coefficient of the full-size image (`coefficient_bytes`): 2 bytes each, 64 to
#: an 8 x 8 block of a component.
COEFFICIENT_BYTES = 2
# Text chunks are read before a PNG's pixels; phones write a few KB, Pillow allows 64 MB.
PngImagePlugin.MAX_TEXT_MEMORY = PngImagePlugin.MAX_TEXT_CHUNK


class PhotoError(ValueError):
    """The upload is not a usable image."""


class PhotoTooLarge(PhotoError):
    """Decoding this image would take more memory or time than one photo may."""

    def __init__(self, size: tuple[int, int]):
        super().__init__(f"{size[0]}x{size[1]} is too many pixels")
        self.size = size


class DecodeBusy(RuntimeError):
    """Every decode slot of this process stayed taken for as long as a request may wait."""


@dataclass(frozen=True)
class Photo:
    content: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Header:
    """What the first bytes of an upload say, read without Pillow."""

    format: str
    size: tuple[int, int]
    #: Bytes of metadata Pillow copies and keeps (a JPEG's markers before its first scan).
    metadata_bytes: int = 0
    #: JPEG: each colour component's sampling factors (across, down); a phone's photo is
    #: 4:2:0, ((2, 2), (1, 1), (1, 1)): its two colour components have a quarter the pixels.
    sampling: tuple[tuple[int, int], ...] = ()
    #: JPEG: one sequential scan holding every component, which libjpeg decodes row by row.
    streamed: bool = False


_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def decode_slots(size: int) -> threading.BoundedSemaphore:
    """The process's decode slots, shared by its threads (one semaphore per size asked)."""
    with _slots_lock:  # two first requests at once must not make two semaphores
        return _slots.setdefault(size, threading.BoundedSemaphore(size))


@contextmanager
def decode_slot(size: int, wait: float):
    """Hold one of `size` decode slots; DecodeBusy if none frees up within `wait` seconds."""
    slots = decode_slots(size)
    if not slots.acquire(timeout=wait):
        raise DecodeBusy
    try:
        yield
    finally:
        slots.release()


def reencode(data: bytes, max_side: int, *, decodes: int = 2, wait: float = 5.0) -> Photo:
    """A JPEG no larger than max_side on its longest side, turned upright, metadata dropped.

    PhotoError for anything but a JPEG, PNG or WebP, PhotoTooLarge (before Pillow opens it)
    for one too large to decode, DecodeBusy when `decodes` decodes already run in this
    process and none ends within `wait` seconds.
    """
    header = read_header(data)
    if header.size[0] * header.size[1] > MAX_SOURCE_PIXELS or \
            peak_bytes(header, max_side) > DECODE_BUDGET:
        raise PhotoTooLarge(header.size)
    with decode_slot(decodes, wait):
        try:
            with warnings.catch_warnings():
                # Corrupt metadata Pillow skips is no reason to refuse a photo; a bomb
                # warning (our limits are below Pillow's) still is.
                warnings.simplefilter("ignore", UserWarning)
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                img = Image.open(io.BytesIO(data), formats=(header.format,))
                with img:
                    if img.size != header.size:
                        raise PhotoError("the header we read is not the one Pillow read")
                    img.draft("RGB", thumbnail_size(img.size, max_side))  # JPEG only
                    img.thumbnail((max_side, max_side))  # decodes
                    img = _upright(img)  # after scaling: its copy is small
                    out = io.BytesIO()
                    (img if img.mode == "RGB" else img.convert("RGB")).save(
                        out, "JPEG", quality=82, optimize=True)
        except PhotoError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
                Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoError(str(exc)) from exc
    return Photo(out.getvalue(), img.width, img.height)


#: EXIF orientation -> the turn that makes the photo upright (as in ImageOps.exif_transpose).
_UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90}


def _upright(img: Image.Image) -> Image.Image:
    """The photo turned as its EXIF says. EXIF is only read, never written back (the stored
    photo has none, and rewriting a corrupt block raised): a photo whose orientation cannot
    be read stays as it was taken."""
    try:
        orientation = img.getexif().get(ExifTags.Base.Orientation)
    except (ValueError, TypeError, OSError, SyntaxError, KeyError, IndexError, struct.error):
        return img
    method = _UPRIGHT.get(orientation) if isinstance(orientation, int) else None
    return img if method is None else img.transpose(method)


def peak_bytes(header: Header, max_side: int) -> int:
    """The memory decoding this image and storing it at most max_side wide takes at its peak:
    the metadata Pillow keeps, and the larger of decoding and encoding."""
    out = thumbnail_size(header.size, max_side)
    decoded = jpeg_draft_size(header.size, out) if header.format == "JPEG" else header.size
    scaling = SCALING_BYTES_PER_PIXEL * (_pixels(decoded) // 4 + out[0] * decoded[1]
                                         + _pixels(out))
    decoding = BYTES_PER_PIXEL[header.format] * _pixels(decoded) + scaling
    if header.format == "JPEG" and not header.streamed:
        decoding += coefficient_bytes(header.size, header.sampling)
    return header.metadata_bytes + max(decoding, OUTPUT_BYTES_PER_PIXEL * _pixels(out))


def coefficient_bytes(size: tuple[int, int], sampling: tuple[tuple[int, int], ...]) -> int:
    """libjpeg's whole-image coefficient buffer (jdcoefct.c): for each component, its 8 x 8
    blocks over the full image (draft() scales only the output), the component being h/hmax
    as wide and v/vmax as tall as the image, its rows and columns of blocks padded to a
    multiple of h and v. A 4:2:0 image takes 3 bytes a pixel, a 4:4:4 one 6."""
    h_max, v_max = max(h for h, _ in sampling), max(v for _, v in sampling)
    blocks = sum(_round_up(-(-size[0] * h // (8 * h_max)), h)
                 * _round_up(-(-size[1] * v // (8 * v_max)), v) for h, v in sampling)
    return COEFFICIENT_BYTES * 64 * blocks


def _round_up(n: int, multiple: int) -> int:
    return -(-n // multiple) * multiple


def thumbnail_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """The size thumbnail() gives: the longest side max_side, never enlarged."""
    ratio = min(1.0, max_side / max(size))
    return max(1, round(size[0] * ratio)), max(1, round(size[1] * ratio))


def jpeg_draft_size(size: tuple[int, int], wanted: tuple[int, int]) -> tuple[int, int]:
    """The size libjpeg decodes at (as Pillow's draft picks it): scaled by 1/2, 1/4 or 1/8
    when the result is still at least `wanted`."""
    fits = min(size[0] // wanted[0], size[1] // wanted[1])
    scale = next(s for s in (8, 4, 2, 1) if fits >= s)
    return -(-size[0] // scale), -(-size[1] // scale)


def _pixels(size: tuple[int, int]) -> int:
    return size[0] * size[1]


def read_header(data: bytes) -> Header:
    """Format and size of a JPEG, PNG or WebP; PhotoError for anything else."""
    # Metadata, as a bound: Pillow keeps a PNG's EXIF chunk as read and copies it to read
    # the orientation; it hands libwebp a copy of the whole file and keeps copies of its
    # EXIF, ICC and XMP.
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        header = Header("PNG", (_int(data, 16, 4), _int(data, 20, 4)),
                        metadata_bytes=2 * len(data))
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        header = Header("WEBP", _webp_size(data), metadata_bytes=2 * len(data))
    elif data[:3] == b"\xff\xd8\xff":
        header = _jpeg_header(data)
    else:
        raise PhotoError("not a JPEG, PNG or WebP file")
    if not all(header.size):
        raise PhotoError("no size in the header")
    return header


def _int(data: bytes, at: int, n: int, order: str = "big") -> int:
    return int.from_bytes(data[at:at + n], order)


def _webp_size(data: bytes) -> tuple[int, int]:
    """The canvas size of a lossy, lossless or extended WebP."""
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        return _int(data, 26, 2, "little") & 0x3FFF, _int(data, 28, 2, "little") & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = _int(data, 21, 4, "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return _int(data, 24, 3, "little") + 1, _int(data, 27, 3, "little") + 1
    raise PhotoError("not a WebP header we can read")


#: Start-of-frame markers of sequential (not progressive, not lossless) JPEGs, and the
#: markers in the start-of-frame range that are something else.
_SEQUENTIAL = {0xC0, 0xC1, 0xC9}
_NOT_FRAMES = {0xC4, 0xC8, 0xCC}


def _jpeg_header(data: bytes) -> Header:
    """A JPEG's frame and first scan, following its markers up to that scan."""
    pos, frame, size, sampling = 2, None, (0, 0), ()
    while pos + 4 < len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if 0xC0 <= marker <= 0xCF and marker not in _NOT_FRAMES and pos + 9 < len(data):
            frame, size = marker, (_int(data, pos + 7, 2), _int(data, pos + 5, 2))
            sampling = _sampling(data, pos)
        elif marker == 0xDA and frame is not None:
            return Header("JPEG", size, metadata_bytes=pos, sampling=sampling,
                          streamed=frame in _SEQUENTIAL and data[pos + 4] == len(sampling))
        pos += 2 + _int(data, pos + 2, 2)
    raise PhotoError("not a JPEG whose markers we can follow")


def _sampling(data: bytes, frame: int) -> tuple[tuple[int, int], ...]:
    """Each component's sampling factors, from the frame header starting at `frame`: after
    precision, height, width and the count, per component its id, (h << 4 | v) and its
    quantisation table. libjpeg refuses a count outside 1..10 or a factor outside 1..4."""
    count = data[frame + 9]
    sampling = tuple(divmod(hv, 16) for hv in data[frame + 11:frame + 10 + 3 * count:3])
    if not 1 <= count <= 10 or len(sampling) != count or \
            not all(1 <= h <= 4 and 1 <= v <= 4 for h, v in sampling):
        raise PhotoError("not a JPEG frame header we can read")
    return sampling
