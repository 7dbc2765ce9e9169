"""Charts drawn on the server as SVG and shown through <img> (data: URIs), so the strict
CSP stays and the PDF gets the very same picture. Readable without colour: gaps are
hatched, strengths solid and dark, "meets" solid and light; every bar carries its number;
the expectation is a labelled dashed line. Each chart has a table beside it (the text
alternative), and a short `alt` text."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from growth.selectors.report import CompetencyGap, CompetencyTrend
from reviews.models import Scale

FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'
INK = "#16191d"
MUTED = "#545b66"
GRID = "#dde1e7"
GAP = "#b42318"
MEETS = "#9db1e8"
STRENGTH = "#1f3c9a"


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _num(value: Decimal | float | None) -> str:
    if value is None:
        return "—"
    text = f"{Decimal(str(value)).quantize(Decimal('0.01'))}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


DEFS = (
    "<defs>"
    '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#fdecea"/>'
    f'<line x1="0" y1="0" x2="0" y2="6" stroke="{GAP}" stroke-width="2.5"/>'
    "</pattern></defs>"
)


def gap_chart(competencies: Sequence[CompetencyGap], scale: Scale) -> str:
    """Each competency's final rating as a bar against the expectation line, with the
    self rating (○) and the peers' (◇) where shown."""
    label_w, plot_w, right_w = 230, 330, 170  # room for "4.67 · above by 1.67"
    top, row_h, bottom = 34, 30, 40
    width = label_w + plot_w + right_w
    height = top + row_h * max(len(competencies), 1) + bottom
    lo, hi = 0, scale.highest

    def x(value: Decimal | float) -> float:
        return label_w + (float(value) - lo) / (hi - lo) * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} font-size="12">',
        "<title>Final rating of each competency against the expected rating</title>",
        DEFS,
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
    ]
    for value in range(lo, hi + 1):
        parts.append(
            f'<line x1="{x(value):.1f}" y1="{top - 6}" x2="{x(value):.1f}" '
            f'y2="{height - bottom}" stroke="{GRID}"/>'
            f'<text x="{x(value):.1f}" y="{top - 12}" text-anchor="middle" fill="{MUTED}">'
            f"{value}</text>"
        )
    for n, comp in enumerate(competencies):
        y = top + n * row_h
        parts.append(
            f'<text x="{label_w - 10}" y="{y + 19}" text-anchor="end" fill="{INK}">'
            f"{escape(_short(comp.name, 32))}</text>"
        )
        if comp.final is None:
            parts.append(f'<text x="{label_w + 6}" y="{y + 19}" fill="{MUTED}">not rated</text>')
            continue
        fill = {"gap": "url(#hatch)", "strength": STRENGTH}.get(comp.kind, MEETS)
        stroke = GAP if comp.kind == "gap" else STRENGTH
        parts.append(
            f'<rect x="{label_w}" y="{y + 6}" width="{x(comp.final) - label_w:.1f}" '
            f'height="18" fill="{fill}" stroke="{stroke}" stroke-width="1"/>'
        )
        if comp.self is not None:
            parts.append(
                f'<circle cx="{x(comp.self):.1f}" cy="{y + 15}" r="5" fill="#fff" '
                f'stroke="{INK}" stroke-width="1.5"/>'
            )
        if comp.peers is not None:
            cx, cy = x(comp.peers), y + 15
            parts.append(
                f'<path d="M{cx:.1f} {cy - 6} L{cx + 6:.1f} {cy} L{cx:.1f} {cy + 6} '
                f'L{cx - 6:.1f} {cy} Z" fill="#fff" stroke="{INK}" stroke-width="1.5"/>'
            )
        gap = comp.gap or Decimal(0)
        note = (
            f"gap {_num(gap)}"
            if comp.kind == "gap"
            else f"above by {_num(-gap)}"
            if comp.kind == "strength"
            else "meets"
        )
        parts.append(
            f'<text x="{label_w + plot_w + 10}" y="{y + 19}" fill="{INK}">'
            f'<tspan font-weight="700">{_num(comp.final)}</tspan> · {note}</text>'
        )
    ex = x(scale.meets)
    parts.append(
        f'<line x1="{ex:.1f}" y1="{top - 4}" x2="{ex:.1f}" y2="{height - bottom + 4}" '
        f'stroke="{INK}" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    key = escape(legend(competencies, scale))
    parts.append(f'<text x="{label_w}" y="{height - 14}" fill="{MUTED}">{key}</text>')
    parts.append("</svg>")
    return "".join(parts)


def legend(competencies: Sequence[CompetencyGap], scale: Scale) -> str:
    """The gap chart's key, naming only the marks the chart draws."""
    text = f"Dashed line: expected ({scale.meets}). Hatched: gap. Dark: above."
    if any(c.self is not None and c.final is not None for c in competencies):
        text += "  ○ self-review"
    if any(c.peers is not None and c.final is not None for c in competencies):
        text += "  ◇ peers"
    return text


def gap_chart_alt(competencies: Sequence[CompetencyGap], expected: Decimal) -> str:
    gaps = [c.name for c in competencies if c.kind == "gap"]
    above = [c.name for c in competencies if c.kind == "strength"]
    text = f"Bar chart of final ratings against the expected {_num(expected)}."
    if gaps:
        text += " Below it: " + ", ".join(gaps) + "."
    if above:
        text += " Above it: " + ", ".join(above) + "."
    return text + " The table below has every figure."


def trend_chart(trend: CompetencyTrend, scale: Scale) -> str:
    """A small line of one competency's final ratings across cycles, each point labelled,
    with the expectation dashed."""
    width, height, pad_x, top, bottom = 200, 72, 16, 16, 18
    points = trend.points
    lo, hi = scale.lowest, scale.highest

    def y(value: Decimal | float) -> float:
        return top + (hi - float(value)) / (hi - lo) * (height - top - bottom)

    step = (width - 2 * pad_x) / max(len(points) - 1, 1)

    def x(n: int) -> float:
        return pad_x + n * step if len(points) > 1 else width / 2

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} font-size="11">',
        f"<title>{escape(trend.name)}: final rating per review cycle</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<line x1="{pad_x - 8}" y1="{y(scale.meets):.1f}" x2="{width - pad_x + 8}" '
        f'y2="{y(scale.meets):.1f}" stroke="{MUTED}" stroke-dasharray="4 3"/>',
    ]
    rated = [(n, p.final) for n, p in enumerate(points) if p.final is not None]
    if len(rated) > 1:
        path = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in rated)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{INK}" stroke-width="2"/>')
    for n, value in rated:
        below = value < scale.meets
        label_y = y(value) + 15 if below else y(value) - 7
        parts.append(
            f'<circle cx="{x(n):.1f}" cy="{y(value):.1f}" r="4" '
            f'fill="{"#fff" if below else INK}" stroke="{INK}" stroke-width="2"/>'
            f'<text x="{x(n):.1f}" y="{label_y:.1f}" text-anchor="middle" '
            f'fill="{INK}">{_num(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trend_alt(trend: CompetencyTrend) -> str:
    values = ", ".join(f"{p.name} {_num(p.final)}" for p in trend.points)
    return f"{trend.name}: {values}."
