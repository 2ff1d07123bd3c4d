"""Charts as SVG drawn on the server by pygal, inlined in the page.

Our CSP allows no inline script or style, so pygal's script, its <style> element and its
style attributes are taken out (no interactive tooltips; the numbers are in the table beside
each chart) and static/app.css colours the chart by pygal's classes. The SVG scales with
its viewBox, so a 360 px phone shows the whole chart.
"""

import re
import sys

import pygal
from markupsafe import Markup

# pygal appends an old-style import hook for its map plugins (unused here); Python warns on
# every import that reaches it (an optional module probed by reportlab, say), and under
# warnings-as-errors that import fails. Take it out again.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE = re.compile(r"<style\b.*?</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="[^"]*"')
_TOOLTIPS = re.compile(r'<g [^>]*class="plot tooltip-overlay">.*?</g></g>', re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _chart(kind, title: str, **options):
    return kind(js=[], css=[], disable_xml_declaration=True, no_prefix=True, width=640,
                height=320, title=title, show_legend=options.pop("show_legend", True),
                legend_at_bottom=True, legend_at_bottom_columns=3, margin=8,
                truncate_label=18, **options)


def _inline(chart) -> Markup:
    """The chart's SVG without script, style or tooltips: safe under our CSP."""
    svg = chart.render(is_unicode=True)
    for pattern in (_SCRIPT, _STYLE, _TOOLTIPS, _COMMENT):
        svg = pattern.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub("", svg)
    # Labels were escaped by pygal (lxml); nothing else of the data reaches the markup.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704


def lines(title: str, labels: list[str], series: dict[str, list[int]]) -> Markup:
    """One line per series over the buckets' labels."""
    chart = _chart(pygal.Line, title, x_label_rotation=30, show_minor_x_labels=False,
                   x_labels_major_every=max(1, len(labels) // 8), dots_size=1.5)
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return _inline(chart)


def bars(title: str, rows: list[tuple[str, float]], horizontal=True) -> Markup:
    """One bar per row (label, value), biggest first as given."""
    chart = _chart(pygal.HorizontalBar if horizontal else pygal.Bar, title,
                   show_legend=False)
    chart.x_labels = [label for label, _ in rows]
    chart.add(title, [value for _, value in rows])
    return _inline(chart)


def grouped(title: str, labels: list[str], series: dict[str, list]) -> Markup:
    """Bars side by side per label, one colour per series."""
    chart = _chart(pygal.Bar, title, x_label_rotation=20)
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return _inline(chart)
