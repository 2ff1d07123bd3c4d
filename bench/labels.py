"""Benchmark: a batch of QR labels (A4 24-up) against a fixed reference measured in the same
run: encoding the same URLs as QR matrices with `qrcode` at level M with a fixed mask.

Targets (issue "Admins ... print QR labels"): PDF time <= 3x the reference, PDF < 1 MB for
1,000 labels, peak memory flat from 1,000 to 10,000 labels.

    make bench            (or: .venv/bin/python bench/labels.py)
"""

import io
import subprocess
import sys
import time
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from repairapp.labels.pdf import LabelData, scan_url, write_batch  # noqa: E402
from repairapp.labels.sheets import SHEETS  # noqa: E402

BASE = "https://fix.example.com"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def codes(n: int) -> list[str]:
    """Deterministic 12-character codes, different for every label."""
    out = []
    for i in range(n):
        value, chars = i * 2654435761 % (32 ** 12), []
        for _ in range(12):
            value, digit = divmod(value, 32)
            chars.append(CROCKFORD[digit])
        out.append("".join(chars))
    return out


def reference(urls: list[str]) -> float:
    start = time.perf_counter()
    for url in urls:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=2)
        code.add_data(url)
        code.make(fit=True)
        code.get_matrix()
    return time.perf_counter() - start


def batch(n: int, out) -> float:
    labels = (LabelData(f"EQ-{i:05d}", "立体库堆垛机 AS/RS stacker", code)
              for i, code in enumerate(codes(n)))
    start = time.perf_counter()
    write_batch(labels, SHEETS["a4-3x8"], out, base_url=BASE, vendor="RepairApp Service",
                hotline="400-000-0000")
    return time.perf_counter() - start


def peak_rss_mb(n: int) -> float:
    """Peak memory of a fresh process writing n labels to /dev/null."""
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import labels, "
            f"resource; labels.batch({n}, open('/dev/null', 'wb')); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.strip())


def main() -> None:
    n = 1000
    urls = [scan_url(BASE, c) for c in codes(n)]
    reference(urls[:50]), batch(24, io.BytesIO())  # warm-up (imports, fonts)
    ref_times, pdf_times = [], []
    for _ in range(3):  # interleaved: machine noise hits both sides
        ref_times.append(reference(urls))
        out = io.BytesIO()
        pdf_times.append(batch(n, out))
    ref, pdf = min(ref_times), min(pdf_times)
    size = len(out.getvalue())
    print(f"labels n={n} sheet=a4-3x8")
    print(f"  reference (qrcode matrices, level M, fixed mask)  {ref * 1000:8.1f} ms")
    print(f"  label PDF                                          {pdf * 1000:8.1f} ms")
    print(f"  ratio PDF/reference   {pdf / ref:6.2f}x   (target <= 3x)")
    print(f"  PDF size              {size / 1024:8.1f} KiB (target < 1024 KiB)")
    small, large = peak_rss_mb(1000), peak_rss_mb(10000)
    print(f"  peak RSS 1,000 labels {small:8.1f} MiB; 10,000 labels {large:8.1f} MiB "
          f"(ratio {large / small:.2f})")
    missed = [name for name, ok in (("time", pdf / ref <= 3), ("size", size < 1024 * 1024),
                                    ("memory", large / small < 1.1)) if not ok]
    if missed:
        sys.exit(f"target missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
