"""Horizontal bar charts drawn on the server as SVG.

A chart is plain data here; `templates/reports/_bar_chart.html` draws it and
prints the same numbers as a table, for screen readers and for copying. Colours
and type sizes come from static/css/reports.css (the CSP allows no inline style).
"""

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 360
LABEL_WIDTH = 150
BAR_SPACE = 165
ROW_HEIGHT = 16
BAR_HEIGHT = 11
# Room for a label, in half-width characters (a hanzi counts two): about 16
# hanzi or 28 letters at the chart's type size.
LABEL_UNITS = 28

Number = int | float | Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number
    total: Number | None
    y: int
    width: int
    total_width: int

    @property
    def short_label(self) -> str:
        label, units = str(self.label), 0
        for i, character in enumerate(label):
            units += 2 if unicodedata.east_asian_width(character) in "WF" else 1
            if units > LABEL_UNITS:
                return label[: max(i - 1, 1)] + "…"
        return label

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 2

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + max(self.width, self.total_width) + 4


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    value_label: str
    bars: list[Bar]
    total_label: str = ""

    label_x = LABEL_WIDTH - 4
    bar_height = BAR_HEIGHT
    bar_x = LABEL_WIDTH
    width = WIDTH

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW_HEIGHT + 4

    @property
    def is_empty(self) -> bool:
        return not any(bar.value or bar.total for bar in self.bars)


def bar_chart(
    chart_id: str,
    title,
    rows: list[tuple[str, Number]] | list[tuple[str, Number, Number]],
    *,
    value_label,
    total_label="",
) -> Chart:
    """`rows` are (label, value) or (label, value, total); with a total the bar
    is drawn over a paler one of the total's length (e.g. filled of capacity)."""
    largest = max((max(row[1], row[2] if len(row) > 2 else 0) for row in rows), default=0) or 1
    bars = []
    for i, row in enumerate(rows):
        label, value = row[0], row[1]
        total = row[2] if len(row) > 2 else None
        bars.append(
            Bar(
                label=label,
                value=value,
                total=total,
                y=2 + i * ROW_HEIGHT,
                width=round(BAR_SPACE * float(value) / float(largest)),
                total_width=round(BAR_SPACE * float(total) / float(largest)) if total else 0,
            )
        )
    return Chart(id=chart_id, title=str(title), value_label=str(value_label), bars=bars, total_label=str(total_label))
