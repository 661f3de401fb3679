"""Bar charts drawn on the server as SVG: no JavaScript, nothing from another site, nothing the CSP must allow.

A chart is a picture for sighted readers. It carries `role="img"` with a
<title> and a <desc> that say what it shows; the page puts the same numbers in
a table beneath it, which is what a screen reader user reads.

Colours are SVG attributes (not inline styles, which the content security
policy refuses) from the GOV.UK palette, and text is at least 14px.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BLUE = "#1d70b8"
TEXT = "#0b0c0c"
SECONDARY_TEXT = "#484949"
GRID = "#cecece"
FONT = "arial, sans-serif"

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 110
ROW_HEIGHT = 32
BAR_HEIGHT = 20
TOP = 8
AXIS_HEIGHT = 28
LABEL_CHARACTERS = 26


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # a share from 0 to 1; None when there is nothing to measure
    text: str  # what is written at the end of the bar, such as "83%"


def percentage_bar_chart(*, chart_id: str, title: str, description: str, bars: list[Bar]) -> SafeString:
    """A horizontal bar chart of shares from 0% to 100%, one bar a row."""
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP + max(len(bars), 1) * ROW_HEIGHT + AXIS_HEIGHT
    axis_y = TOP + max(len(bars), 1) * ROW_HEIGHT
    gridlines = format_html_join(
        "",
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-width="1"></line>'
        '<text x="{0}" y="{4}" text-anchor="middle" font-size="14" fill="{5}">{6}%</text>',
        (
            (LABEL_WIDTH + plot_width * tick // 100, TOP, axis_y, GRID, axis_y + 20, SECONDARY_TEXT, tick)
            for tick in (0, 25, 50, 75, 100)
        ),
    )
    rows = format_html_join("", "{}", ((_row(index, bar, plot_width),) for index, bar in enumerate(bars)))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {width} {height}" width="100%" '
        'role="img" aria-labelledby="{id}-title {id}-desc" focusable="false" font-family="{font}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>'
        "{gridlines}{rows}</svg>",
        width=WIDTH,
        height=height,
        id=chart_id,
        font=FONT,
        title=title,
        description=description,
        gridlines=gridlines,
        rows=rows,
    )


def _row(index: int, bar: Bar, plot_width: int) -> SafeString:
    y = TOP + index * ROW_HEIGHT
    text_y = y + ROW_HEIGHT // 2 + 5
    label = bar.label if len(bar.label) <= LABEL_CHARACTERS else bar.label[: LABEL_CHARACTERS - 1] + "…"
    parts = [
        format_html(
            '<text x="{}" y="{}" text-anchor="end" font-size="14" fill="{}">{}</text>',
            LABEL_WIDTH - 8, text_y, TEXT, label,
        )
    ]
    if bar.value is None:
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="14" fill="{}">{}</text>', LABEL_WIDTH + 6, text_y, SECONDARY_TEXT, bar.text
            )
        )
    else:
        length = round(plot_width * max(0.0, min(1.0, bar.value)))
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                LABEL_WIDTH, y + (ROW_HEIGHT - BAR_HEIGHT) // 2, length, BAR_HEIGHT, BLUE,
            )
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="14" font-weight="bold" fill="{}">{}</text>',
                LABEL_WIDTH + length + 6, text_y, TEXT, bar.text,
            )
        )
    return format_html_join("", "{}", ((part,) for part in parts))
