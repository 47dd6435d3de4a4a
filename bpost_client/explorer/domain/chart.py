"""The NAV chart of a fund: an SVG drawn on the server (no script, no CDN), the NAV per 10,000
units by day as a line with a point per NAV, and each distribution marked on its day with its
amount."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from bpost_client.explorer.domain.funds import NavLine, NoticeLine

__all__ = ["ChartGeometry", "nav_chart"]


@dataclass(frozen=True)
class ChartGeometry:
    """The chart's size and margins, in SVG user units."""

    width: int = 760
    height: int = 260
    left: int = 64
    right: int = 16
    top: int = 16
    bottom: int = 40


def _x(geometry: ChartGeometry, first: date, span: int, when: date) -> float:
    inner = geometry.width - geometry.left - geometry.right
    if span == 0:
        return geometry.left + inner / 2
    return geometry.left + inner * (when - first).days / span


def _y(geometry: ChartGeometry, low: int, high: int, value: int) -> float:
    inner = geometry.height - geometry.top - geometry.bottom
    if high == low:
        return geometry.top + inner / 2
    return geometry.top + inner * (high - value) / (high - low)


def _yen(value: int) -> str:
    return f"{value:,}"


def nav_chart(
    navs: Sequence[NavLine],
    distributions: Sequence[NoticeLine],
    geometry: ChartGeometry | None = None,
) -> Markup:
    """The chart of ``navs`` (in day order) with ``distributions`` marked; an empty Markup when
    there is no NAV."""
    if not navs:
        return Markup("")
    shape = geometry or ChartGeometry()
    first, last = navs[0].day, navs[-1].day
    marked = [(d.day, d) for d in distributions if d.day is not None and first <= d.day <= last]
    span = (last - first).days
    low = min(n.nav for n in navs)
    high = max(n.nav for n in navs)
    pad = max((high - low) // 10, 1)
    low, high = max(low - pad, 0), high + pad
    bottom = shape.height - shape.bottom
    parts = [
        f'<svg id="nav-chart" class="chart" role="img" viewBox="0 0 {shape.width} {shape.height}"'
        f' width="{shape.width}" height="{shape.height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>NAV per 10,000 units from {first} to {last}</title>",
        f'<line class="axis" x1="{shape.left}" y1="{bottom}" x2="{shape.width - shape.right}"'
        f' y2="{bottom}"/>',
        f'<line class="axis" x1="{shape.left}" y1="{shape.top}" x2="{shape.left}" y2="{bottom}"/>',
        f'<text class="label" x="{shape.left - 6}" y="{shape.top + 4}" text-anchor="end">'
        f"{_yen(high)}</text>",
        f'<text class="label" x="{shape.left - 6}" y="{bottom}" text-anchor="end">'
        f"{_yen(low)}</text>",
        f'<text class="label" x="{shape.left}" y="{bottom + 16}">{first}</text>',
        f'<text class="label" x="{shape.width - shape.right}" y="{bottom + 16}"'
        f' text-anchor="end">{last}</text>',
    ]
    for when, notice in marked:
        x = _x(shape, first, span, when)
        amount = _yen(int(notice.details.get("amountPer10000Units", 0)))
        parts.append(
            f'<g class="distribution-marker" data-date="{when}" data-amount="{amount}">'
            f"<title>{escape(f'Distribution {when}: {amount} yen per 10,000 units')}</title>"
            f'<line x1="{x:.1f}" y1="{shape.top}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<path d="M{x - 6:.1f},{bottom + 2} L{x + 6:.1f},{bottom + 2} L{x:.1f},{bottom - 9}'
            ' Z"/></g>'
        )
    points = [(_x(shape, first, span, n.day), _y(shape, low, high, n.nav), n) for n in navs]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
    parts.append(f'<polyline class="nav-line" points="{path}"/>')
    for x, y, nav in points:
        parts.append(
            f'<circle class="nav-point" cx="{x:.1f}" cy="{y:.1f}" r="3" data-date="{nav.day}"'
            f' data-nav="{nav.nav}"><title>{nav.day}: {_yen(nav.nav)} yen</title></circle>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
