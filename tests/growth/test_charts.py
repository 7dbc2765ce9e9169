"""The gap chart's SVG: the figure beside each bar fits inside the picture, and the key
names only the marks drawn (no peers' diamond when no peer figures are shown)."""

from __future__ import annotations

import re
from decimal import Decimal

from growth.charts import gap_chart, legend
from growth.selectors.report import CompetencyGap
from reviews.models import Scale

D = Decimal


def comp(name: str, final: str | None, **kw: str) -> CompetencyGap:
    return CompetencyGap(
        uid=name.lower(),
        name=name,
        category="",
        position=0,
        expected=D(3),
        final=None if final is None else D(final),
        **{k: D(v) for k, v in kw.items()},
    )


def test_the_widest_figure_fits_inside_the_chart():
    svg = gap_chart([comp("Communication", "4.67", self="3.67")], Scale(None))
    width = int(re.search(r'<svg [^>]*width="(\d+)"', svg).group(1))
    x, note = re.search(
        r'<text x="([\d.]+)"[^>]*><tspan[^>]*>4.67</tspan>( · [^<]+)</text>', svg
    ).groups()
    assert note == " · above by 1.67"
    # 12px text: about 7px a character at most
    assert float(x) + 7 * len("4.67" + note) <= width


def test_the_key_names_only_the_marks_drawn():
    scale = Scale(None)
    both = [comp("Craft", "2", self="3", peers="3.5")]
    assert legend(both, scale).endswith("○ self-review  ◇ peers")
    no_peers = [comp("Craft", "2", self="3"), comp("Delivery", None, peers="4")]
    assert "peers" not in legend(no_peers, scale)
    assert "self-review" in legend(no_peers, scale)
    assert legend([comp("Craft", "2")], scale) == (
        "Dashed line: expected (3). Hatched: gap. Dark: above."
    )
    assert "◇ peers" not in gap_chart(no_peers, scale)
