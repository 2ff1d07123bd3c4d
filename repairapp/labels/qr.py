"""QR matrices sized for print: the strongest error correction whose module stays >= 0.5 mm."""

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

QUIET_ZONE = 4          # modules of white around the code, as the standard asks
MIN_MODULE_MM = 0.5     # below this, worn or photocopied labels stop scanning
LEVELS = (ERROR_CORRECT_H, ERROR_CORRECT_Q, ERROR_CORRECT_M, ERROR_CORRECT_L)


def matrix(data: str, level: int) -> list[list[bool]]:
    """The code's modules, without quiet zone. A fixed mask keeps batches fast; every mask
    is a valid code and the quiet zone, not the mask, is what scanners need most."""
    code = qrcode.QRCode(error_correction=level, border=0, mask_pattern=2)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def fit(data: str, box_mm: float) -> tuple[list[list[bool]], float]:
    """The strongest code of `data` that fits `box_mm` (quiet zone included) with modules of
    at least 0.5 mm; returns the matrix and the module size in mm."""
    for level in LEVELS:
        modules = matrix(data, level)
        size = box_mm / (len(modules) + 2 * QUIET_ZONE)
        if size >= MIN_MODULE_MM or level == ERROR_CORRECT_L:
            return modules, size
    raise AssertionError("unreachable")


def runs(modules: list[list[bool]]):
    """Dark modules merged into horizontal runs: (row, first column, length)."""
    for y, row in enumerate(modules):
        x, n = 0, len(row)
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                yield y, start, x - start
            else:
                x += 1
