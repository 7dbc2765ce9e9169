"""The ROI chart: a small server-drawn SVG (served as an <img>, so the strict CSP holds),
three bars on one scale: the status quo's yearly cost and what a ladder recovers (each a
range: a solid bar to the low estimate, a hatched one on to the high), and the price."""

from __future__ import annotations

from xml.sax.saxutils import escape

from billing.roi import Result

WIDTH, ROW, LEFT, RIGHT = 520, 64, 0, 180
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"


def _bar(y: int, label: str, low: float, high: float, scale: float, colour: str, text: str) -> str:
    low_w, high_w = max(low * scale, 1), max(high * scale, 1)
    parts = [
        f'<text x="{LEFT}" y="{y + 14}">{escape(label)}</text>',
        f'<rect x="{LEFT}" y="{y + 22}" width="{high_w:.1f}" height="24" '
        f'fill="url(#hatch-{colour})" stroke="{colour}" stroke-width="1"/>'
        if high > low
        else "",
        f'<rect x="{LEFT}" y="{y + 22}" width="{low_w:.1f}" height="24" fill="{colour}"/>',
        f'<text x="{LEFT + high_w + 8:.1f}" y="{y + 39}" font-weight="600">{escape(text)}</text>',
    ]
    return "".join(parts)


def draw(result: Result, money: object) -> str:
    """`money` formats an amount ("$1,234")."""
    fmt = money if callable(money) else str
    top = max(result.status_quo_high, result.recovered_high, result.price_per_year, 1.0)
    scale = (WIDTH - LEFT - RIGHT) / top
    height = ROW * 3 + 48
    rows = [
        (
            "Cost of the status quo",
            result.status_quo_low,
            result.status_quo_high,
            "#b42318",
            f"{fmt(result.status_quo_low)}–{fmt(result.status_quo_high)}",
        ),
        (
            "What a ladder recovers",
            result.recovered_low,
            result.recovered_high,
            "#1d7a46",
            f"{fmt(result.recovered_low)}–{fmt(result.recovered_high)}",
        ),
        (
            "Career Ladder Builder",
            result.price_per_year,
            result.price_per_year,
            "#2b50c8",
            f"{fmt(result.price_per_year)} a year",
        ),
    ]
    bars = "".join(
        _bar(4 + n * ROW, label, low, high, scale, colour, text)
        for n, (label, low, high, colour, text) in enumerate(rows)
    )
    hatches = "".join(
        f'<pattern id="hatch-{c}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{c}" stroke-width="2"/></pattern>'
        for c in ("#b42318", "#1d7a46", "#2b50c8")
    )
    legend_y = ROW * 3 + 24
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img">'
        f'<g font-family="{FONT}" font-size="14" fill="#16191d">'
        f"<defs>{hatches}</defs>"
        f"{bars}"
        f'<text x="0" y="{legend_y}" font-size="12" fill="#545b66">Solid bar: the low estimate '
        "(replacing a person costs half a year’s salary).</text>"
        f'<text x="0" y="{legend_y + 16}" font-size="12" fill="#545b66">Striped: on up to the '
        "high estimate (twice a year’s salary).</text>"
        "</g></svg>"
    )
