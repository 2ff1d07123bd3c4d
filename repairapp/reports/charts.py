"""Charts as SVG drawn on the server, inlined in the page.

Written directly (a few hundred elements, well under a millisecond a chart), where pygal
took 15 ms a chart, most of the page's time. The markup keeps pygal's class names
(`pygal-chart`, `series color-N`, `axis`, `guide line`, ...), so static/app.css colours it
as before. Our CSP allows no inline script or style: there is neither, no style attribute
and no tooltip (the numbers are in the table beside each chart). The SVG scales with its
viewBox, so a 360 px phone shows the whole chart. Every label is escaped here.
"""

from math import floor, log10

from markupsafe import Markup, escape

WIDTH, HEIGHT, MARGIN = 640, 320, 8
#: Labels longer than this are cut with an ellipsis (as pygal's truncate_label did).
LABEL = 18
TITLE_HEIGHT, LEGEND_ROW, TICKS = 30, 18, 5


def lines(title: str, labels: list[str], series: dict[str, list[int]]) -> Markup:
    """One line per series over the buckets' labels."""
    names = list(series)
    legend = _legend(names)
    # Room on the right for the last date, slanted down to the right.
    plot = _Plot(left=44, top=TITLE_HEIGHT, right=WIDTH - MARGIN - 48,
                 bottom=HEIGHT - MARGIN - legend.height - 44,
                 top_value=_max(v for values in series.values() for v in values))
    parts = plot.value_axis(vertical=True)
    step = (plot.right - plot.left) / max(1, len(labels) - 1)
    x = [plot.left + i * step for i in range(len(labels))]
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(f'<text x="{x[i]:.1f}" y="{plot.bottom + 14}" '
                         f'transform="rotate(30 {x[i]:.1f} {plot.bottom + 14})">'
                         f'{_label(label)}</text>')
    for n, name in enumerate(names):
        points = [(x[i], plot.y(v)) for i, v in enumerate(_floats(series[name]))
                  if v is not None]
        path = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f} {py:.1f}"
                        for i, (px, py) in enumerate(points))
        dots = "".join(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="1.5" class="dot"/>'
                       for px, py in points)
        parts.append(f'<g class="series serie-{n} color-{n}"><path d="{path}" class="line"/>'
                     f"{dots}</g>")
    return _svg(title, "line-graph", parts + legend.parts)


def bars(title: str, rows: list[tuple[str, float]], horizontal=True) -> Markup:
    """One bar per row (label, value), biggest first as given."""
    values = [float(value or 0) for _, value in rows]
    if not horizontal:
        return grouped(title, [label for label, _ in rows], {title: values}, legend=False)
    plot = _Plot(left=MARGIN + 118, top=TITLE_HEIGHT, right=WIDTH - MARGIN - 8,
                 bottom=HEIGHT - MARGIN - 18, top_value=_max(values))
    parts = plot.value_axis(vertical=False)
    band = (plot.bottom - plot.top) / max(1, len(rows))
    bars_ = []
    for i, ((label, _), value) in enumerate(zip(rows, values, strict=True)):
        y = plot.top + i * band
        parts.append(f'<text x="{plot.left - 6}" y="{y + band / 2 + 4:.1f}" '
                     f'text-anchor="end">{_label(label)}</text>')
        if value:
            bars_.append(f'<rect x="{plot.left}" y="{y + band * .15:.1f}" '
                         f'width="{plot.x(value) - plot.left:.1f}" height="{band * .7:.1f}" '
                         f'class="rect"/>')
    parts.append(f'<g class="series serie-0 color-0">{"".join(bars_)}</g>')
    return _svg(title, "horizontalbar-graph", parts)


def grouped(title: str, labels: list[str], series: dict[str, list], legend=True) -> Markup:
    """Bars side by side per label, one colour per series."""
    names = list(series)
    key = _legend(names) if legend else _Legend([], 0)
    plot = _Plot(left=56, top=TITLE_HEIGHT, right=WIDTH - MARGIN,
                 bottom=HEIGHT - MARGIN - key.height - 44,
                 top_value=_max(v for values in series.values() for v in values))
    parts = plot.value_axis(vertical=True)
    band = (plot.right - plot.left) / max(1, len(labels))
    width = band * .8 / max(1, len(names))
    for i, label in enumerate(labels):
        x = plot.left + (i + .5) * band
        parts.append(f'<text x="{x:.1f}" y="{plot.bottom + 14}" text-anchor="end" '
                     f'transform="rotate(-20 {x:.1f} {plot.bottom + 14})">{_label(label)}</text>')
    for n, name in enumerate(names):
        rects = "".join(
            f'<rect x="{plot.left + i * band + band * .1 + n * width:.1f}" y="{plot.y(v):.1f}" '
            f'width="{width:.1f}" height="{plot.bottom - plot.y(v):.1f}" class="rect"/>'
            for i, v in enumerate(_floats(series[name])) if v)
        parts.append(f'<g class="series serie-{n} color-{n}">{rects}</g>')
    return _svg(title, "bar-graph", parts + key.parts)


class _Plot:
    """The plotting area and its value scale, from 0 to a round number above the top."""

    def __init__(self, left, top, right, bottom, top_value: float):
        self.left, self.top, self.right, self.bottom = left, top, right, bottom
        self.step = _nice_step(top_value)
        self.ceiling = self.step * TICKS if top_value <= 0 else (
            self.step * -(-top_value // self.step))

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * value / self.ceiling

    def x(self, value: float) -> float:
        return self.left + (self.right - self.left) * value / self.ceiling

    def value_axis(self, vertical: bool) -> list[str]:
        """Guide lines and their numbers, from 0 up to the ceiling."""
        parts = ['<g class="axis">']
        for i in range(int(round(self.ceiling / self.step)) + 1):
            value = i * self.step
            kind = "axis major line" if i == 0 else "guide line"
            if vertical:
                y = self.y(value)
                parts.append(f'<g class="guides"><path d="M{self.left} {y:.1f} H{self.right}" '
                             f'class="{kind}"/><text x="{self.left - 4}" y="{y + 4:.1f}" '
                             f'text-anchor="end">{_number(value)}</text></g>')
            else:
                x = self.x(value)
                parts.append(f'<g class="guides"><path d="M{x:.1f} {self.top} V{self.bottom}" '
                             f'class="{kind}"/><text x="{x:.1f}" y="{self.bottom + 14}" '
                             f'text-anchor="middle">{_number(value)}</text></g>')
        parts.append("</g>")
        return parts


class _Legend:
    def __init__(self, parts: list[str], height: int):
        self.parts, self.height = parts, height


def _legend(names: list[str]) -> _Legend:
    """The series' names under the plot, three to a row, each after its colour."""
    rows = -(-len(names) // 3)
    top = HEIGHT - MARGIN - rows * LEGEND_ROW
    column = (WIDTH - 2 * MARGIN) / 3
    parts = ['<g class="legends">']
    for n, name in enumerate(names):
        x, y = MARGIN + (n % 3) * column, top + (n // 3) * LEGEND_ROW
        parts.append(f'<g class="legend"><rect x="{x:.1f}" y="{y + 2}" width="12" height="12" '
                     f'class="color-{n}"/><text x="{x + 17:.1f}" y="{y + 12}">'
                     f"{_label(name)}</text></g>")
    parts.append("</g>")
    return _Legend(parts, rows * LEGEND_ROW)


def _svg(title: str, kind: str, parts: list[str]) -> Markup:
    return Markup(  # noqa: S704 -- every label in `parts` went through _label()
        f'<svg role="img" xmlns="http://www.w3.org/2000/svg" class="pygal-chart" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}"><title>{escape(title)}</title>'
        f'<g class="graph {kind}"><rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" '
        f'class="background"/><text x="{WIDTH / 2}" y="{TITLE_HEIGHT - 10}" '
        f'text-anchor="middle" class="title">{escape(title)}</text>'
        f'<g class="plot">{"".join(parts)}</g></g></svg>')


def _label(text) -> Markup:
    """A label as the chart shows it. A long one (a customer's or a model's name) is cut
    with "…": the cut piece is no longer words anyone could translate, so it says so
    (translate="no"), and the whole name stays in its <title> (hover, screen readers)."""
    text = str(text)
    if len(text) <= LABEL:
        return escape(text)
    return Markup('<tspan translate="no">{}<title>{}</title></tspan>').format(  # noqa: S704
        text[:LABEL - 1] + "…", text)


def _floats(values) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def _max(values) -> float:
    return max((float(v) for v in values if v is not None), default=0.0)


def _nice_step(top: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about five guide lines."""
    if top <= 0:
        return 1.0
    rough = top / TICKS
    power = 10 ** floor(log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def _number(value: float) -> str:
    return f"{value:g}"
