"""Charts as server-rendered SVG that everyone can read: no script, no colour-only meaning.

A view builds a chart with one of the functions below and a template includes its partial:

    chart = line_chart(
        key="progress",                      # unique on the page: the SVG's ids derive from it
        title="Share of items done",
        summary="Idaho's share of items done rose from 12% to 30% over 8 weeks.",
        x_labels=["Oct 5", "Oct 12", ...],   # short, under the axis
        x_headers=["Week of Oct 5, 2026", ...],  # full, in the table (default: x_labels)
        series=[Series("Items done", [12, 15, None, 30], label="Done")],  # None: no figure that week
    )
    {% include "reports/charts/line.html" with chart=chart %}

    chart = range_chart(key=..., title=..., summary=..., rows=[RangeRow("Governance", 5, 20, 31, 44, 80, value=25)],
                        value_name="Idaho")
    {% include "reports/charts/range.html" with chart=chart %}

Each partial is a <figure>: the visible one-sentence summary as its caption, the SVG (role="img",
named by its <title>, described by its <desc>), and a <table> of every figure drawn, which is
the chart's text alternative. Series differ by dash pattern and marker shape as well as colour,
and each line carries its name and last value at its end (a direct label, no legend to match).
Everything is drawn in `currentColor` under classes styled in static/css/app.css, which also
holds the rules for Windows high-contrast (forced colours) and print. The CSP allows no inline
style: geometry goes in attributes, looks in the stylesheet.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# Drawing units of the SVG's viewBox (it scales to the width of its container).
WIDTH = 720
LINE_HEIGHT = 300
MARGIN_LEFT = 48
MARGIN_RIGHT = 176  # room for the direct labels
MARGIN_TOP = 16
MARGIN_BOTTOM = 40
MAX_X_LABELS = 7
LABEL_GAP = 16  # least vertical distance between two direct labels
STYLES = 6  # distinct looks (dash pattern + marker shape); series beyond wrap around
MARKER_RADIUS = 4.5


def format_value(value: float | None, unit: str = "%") -> str:
    """A figure as the chart and its table write it: whole numbers as such, others to one decimal."""
    if value is None:
        return "no figure"
    if float(value).is_integer():
        return f"{int(value)}{unit}"
    return f"{value:.1f}{unit}"


def change_phrase(first: float | None, last: float | None, unit: str = "%") -> str:
    """How a figure moved: "rose from 12% to 30%", "fell from 30% to 12%", "stayed at 12%"."""
    if first is None or last is None:
        return "has no figure to compare" if last is None else f"is {format_value(last, unit)}"
    if last > first:
        return f"rose from {format_value(first, unit)} to {format_value(last, unit)}"
    if last < first:
        return f"fell from {format_value(first, unit)} to {format_value(last, unit)}"
    return f"stayed at {format_value(last, unit)}"


def _round(value: float) -> float:
    return round(value, 1)


def marker_path(shape: int, x: float, y: float, r: float = MARKER_RADIUS) -> str:
    """The outline of marker `shape` (1–6) centred on (x, y), as SVG path data."""
    x, y = _round(x), _round(y)
    if shape == 1:  # circle
        return f"M{x - r},{y}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0Z"
    if shape == 2:  # square
        s = r * 0.9
        return f"M{_round(x - s)},{_round(y - s)}h{_round(2 * s)}v{_round(2 * s)}h{_round(-2 * s)}Z"
    if shape == 3:  # triangle, point up
        return f"M{x},{_round(y - r * 1.15)}L{_round(x + r)},{_round(y + r * 0.75)}L{_round(x - r)},{_round(y + r * 0.75)}Z"
    if shape == 4:  # diamond
        d = r * 1.25
        return f"M{x},{_round(y - d)}L{_round(x + d)},{y}L{x},{_round(y + d)}L{_round(x - d)},{y}Z"
    if shape == 5:  # triangle, point down
        return f"M{x},{_round(y + r * 1.15)}L{_round(x + r)},{_round(y - r * 0.75)}L{_round(x - r)},{_round(y - r * 0.75)}Z"
    # a plus sign, drawn as a filled outline so it reads like the other shapes
    a, b = r * 0.4, r * 1.1
    return (
        f"M{_round(x - a)},{_round(y - b)}h{_round(2 * a)}v{_round(b - a)}h{_round(b - a)}v{_round(2 * a)}"
        f"h{_round(a - b)}v{_round(b - a)}h{_round(-2 * a)}v{_round(a - b)}h{_round(a - b)}v{_round(-2 * a)}"
        f"h{_round(b - a)}Z"
    )


@dataclass(frozen=True)
class Series:
    """One line: its name (in the table and the SVG), its figures in x order (None where there is
    none), and an optional short label for the end of the line (default: the name)."""

    name: str
    values: Sequence[float | None]
    label: str = ""


@dataclass(frozen=True)
class Tick:
    """A labelled position on an axis: `at` along the axis, the gridline or tick drawn there."""

    at: float
    text: str


@dataclass(frozen=True)
class EndLabel:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class DrawnSeries:
    """A series as drawn: its look (`style`, 1–6), each unbroken run of its line, its markers and
    its direct label."""

    name: str
    style: int
    lines: list[str]
    markers: str
    end: EndLabel | None


@dataclass(frozen=True)
class TableRow:
    header: str
    cells: list[str]


@dataclass(frozen=True)
class LineChart:
    """Everything line.html draws; build it with line_chart()."""

    key: str
    title: str
    summary: str
    description: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    series: list[DrawnSeries]
    columns: list[str]
    rows: list[TableRow]
    x_title: str

    @property
    def ids(self) -> dict[str, str]:
        return {"title": f"chart-{self.key}-title", "desc": f"chart-{self.key}-desc"}

    @property
    def y_tick_x(self) -> float:
        """Where the y axis' labels end (right-aligned), left of the plot."""
        return self.plot_left - 8

    @property
    def x_tick_end(self) -> float:
        return self.plot_bottom + 6

    @property
    def x_tick_y(self) -> float:
        """The baseline of the x axis' labels, under the plot."""
        return self.plot_bottom + 22


def _spread(labels: list[tuple[float, int]], top: float, bottom: float) -> dict[int, float]:
    """Move direct labels apart (at least LABEL_GAP) while keeping them in [top, bottom]; returns
    each label's y by its index. `labels` are (wanted y, index)."""
    placed: list[tuple[float, int]] = []
    for y, index in sorted(labels):
        if placed and y < placed[-1][0] + LABEL_GAP:
            y = placed[-1][0] + LABEL_GAP
        placed.append((y, index))
    overflow = placed[-1][0] - bottom if placed else 0
    if overflow > 0:
        placed = [(y - overflow, index) for y, index in placed]
        # Pushed up past the top: pack them down from the top instead.
        for position in range(len(placed)):
            floor = top + position * LABEL_GAP
            if placed[position][0] < floor:
                placed[position] = (floor, placed[position][1])
    return {index: y for y, index in placed}


def line_chart(
    *,
    key: str,
    title: str,
    summary: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    x_headers: Sequence[str] | None = None,
    x_title: str = "Week",
    y_max: float = 100,
    unit: str = "%",
) -> LineChart:
    """A line chart of `series` over `x_labels` (evenly spaced), y from 0 to `y_max`."""
    n = len(x_labels)
    headers = list(x_headers) if x_headers is not None else list(x_labels)
    for each in series:
        if len(each.values) != n:
            raise ValueError(f"series {each.name!r} has {len(each.values)} values for {n} x labels")
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, LINE_HEIGHT - MARGIN_BOTTOM

    def x_at(index: int) -> float:
        return _round(left + (right - left) * (index / (n - 1) if n > 1 else 0.5))

    def y_at(value: float) -> float:
        return _round(bottom - (bottom - top) * max(0.0, min(value, y_max)) / y_max)

    step = max(1, math.ceil(n / MAX_X_LABELS))
    x_ticks = [Tick(x_at(i), x_labels[i]) for i in range(n) if (n - 1 - i) % step == 0]
    y_ticks = [Tick(y_at(y_max * q / 4), format_value(y_max * q / 4, unit)) for q in range(5)]

    drawn: list[DrawnSeries] = []
    wanted: list[tuple[float, int]] = []
    ends: list[tuple[str, float | None]] = []
    for index, each in enumerate(series):
        style = index % STYLES + 1
        lines: list[str] = []
        run: list[str] = []
        markers: list[str] = []
        last: tuple[int, float] | None = None
        for i, value in enumerate(each.values):
            if value is None:
                if len(run) > 1:
                    lines.append("".join(run))
                run = []
                continue
            x, y = x_at(i), y_at(value)
            run.append(f"{'L' if run else 'M'}{x},{y}")
            markers.append(marker_path(style, x, y))
            last = (i, value)
        if len(run) > 1:
            lines.append("".join(run))
        drawn.append(DrawnSeries(name=each.name, style=style, lines=lines, markers="".join(markers), end=None))
        ends.append((each.label or each.name, last[1] if last else None))
        if last is not None:
            wanted.append((y_at(last[1]) + 4, index))  # +4: a label's baseline, centred on its line
    placed = _spread(wanted, top + 4, bottom + 4)
    drawn = [
        DrawnSeries(
            name=d.name,
            style=d.style,
            lines=d.lines,
            markers=d.markers,
            end=EndLabel(right + 12, placed[i], f"{ends[i][0]} {format_value(ends[i][1], unit)}")
            if i in placed
            else None,
        )
        for i, d in enumerate(drawn)
    ]
    rows = [TableRow(headers[i], [format_value(each.values[i], unit) for each in series]) for i in range(n)]
    names = ", ".join(each.name for each in series)
    description = (
        f"Line chart, {len(series)} line{'s' if len(series) != 1 else ''} ({names}), "
        f"{n} point{'s' if n != 1 else ''} ({headers[0]} to {headers[-1]}), scale 0 to "
        f"{format_value(y_max, unit)}. The table that follows lists every figure."
        if n
        else "An empty chart: there are no figures yet."
    )
    return LineChart(
        key=key,
        title=title,
        summary=summary,
        description=description,
        width=WIDTH,
        height=LINE_HEIGHT,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        series=drawn,
        columns=[each.name for each in series],
        rows=rows,
        x_title=x_title,
    )


# --- Ranges: where one value sits in a spread (lowest, quartiles, median, highest) ----------------

RANGE_ROW_HEIGHT = 44
RANGE_LABEL_WIDTH = 300  # room for a dimension's full name
RANGE_TOP = 28
RANGE_BOTTOM = 16


@dataclass(frozen=True)
class RangeRow:
    """One category's spread (e.g. one dimension across states) and, optionally, one value to
    place in it (e.g. the viewer's state)."""

    label: str
    low: float
    q1: float
    median: float
    q3: float
    high: float
    value: float | None = None


def spread(label: str, values: Sequence[float], *, value: float | None = None) -> RangeRow:
    """A RangeRow from raw figures: lowest, quartiles (inclusive method), median and highest."""
    if not values:
        raise ValueError(f"no figures to spread for {label!r}")
    ordered = sorted(values)
    if len(ordered) == 1:
        q1 = median = q3 = ordered[0]
    else:
        q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return RangeRow(label, ordered[0], q1, median, q3, ordered[-1], value=value)


@dataclass(frozen=True)
class DrawnRange:
    label: str
    label_y: float
    mid_y: float
    box_top: float
    box_bottom: float
    box_height: float
    low_x: float
    q1_x: float
    median_x: float
    q3_x: float
    high_x: float
    box_width: float
    marker: str
    value_x: float | None


@dataclass(frozen=True)
class RangeChart:
    """Everything range.html draws; build it with range_chart()."""

    key: str
    title: str
    summary: str
    description: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    x_ticks: list[Tick]
    rows: list[DrawnRange]
    columns: list[str]
    table: list[TableRow]
    value_name: str

    @property
    def ids(self) -> dict[str, str]:
        return {"title": f"chart-{self.key}-title", "desc": f"chart-{self.key}-desc"}

    @property
    def category_x(self) -> float:
        """Where the categories' names end (right-aligned), left of the plot."""
        return self.plot_left - 12

    @property
    def x_tick_y(self) -> float:
        """The baseline of the axis' labels, above the plot."""
        return self.plot_top - 10


def range_chart(
    *,
    key: str,
    title: str,
    summary: str,
    rows: Sequence[RangeRow],
    value_name: str = "",
    x_max: float = 100,
    unit: str = "%",
) -> RangeChart:
    """A box-and-whisker row per category, from 0 to `x_max`: whiskers from lowest to highest,
    a box over the middle half (quartiles), a bar at the median, and a diamond at `value` (named
    `value_name` in the table and the description)."""
    left, right = RANGE_LABEL_WIDTH, WIDTH - 24
    top = RANGE_TOP
    height = RANGE_TOP + RANGE_ROW_HEIGHT * len(rows) + RANGE_BOTTOM

    def x_at(value: float) -> float:
        return _round(left + (right - left) * max(0.0, min(value, x_max)) / x_max)

    drawn = []
    for index, row in enumerate(rows):
        mid = top + RANGE_ROW_HEIGHT * index + RANGE_ROW_HEIGHT / 2
        value_x = x_at(row.value) if row.value is not None else None
        drawn.append(
            DrawnRange(
                label=row.label,
                label_y=_round(mid + 4),
                mid_y=_round(mid),
                box_top=_round(mid - 10),
                box_bottom=_round(mid + 10),
                box_height=20,
                low_x=x_at(row.low),
                q1_x=x_at(row.q1),
                median_x=x_at(row.median),
                q3_x=x_at(row.q3),
                high_x=x_at(row.high),
                box_width=_round(x_at(row.q3) - x_at(row.q1)),
                marker=marker_path(4, value_x, mid, r=6) if value_x is not None else "",
                value_x=value_x,
            )
        )
    columns = ["Lowest", "Lower quartile", "Median", "Upper quartile", "Highest"]
    has_value = any(row.value is not None for row in rows)
    if has_value:
        columns.append(value_name or "Value")
    table = [
        TableRow(
            row.label,
            [format_value(v, unit) for v in (row.low, row.q1, row.median, row.q3, row.high)]
            + ([format_value(row.value, unit)] if has_value else []),
        )
        for row in rows
    ]
    description = (
        f"Box plot, one row per category ({', '.join(row.label for row in rows)}), scale 0 to "
        f"{format_value(x_max, unit)}: whiskers from lowest to highest, a box over the middle half, a bar at "
        "the median"
        + (f", a diamond at {value_name or 'the value'}" if has_value else "")
        + ". The table that follows lists every figure."
    )
    return RangeChart(
        key=key,
        title=title,
        summary=summary,
        description=description,
        width=WIDTH,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=height - RANGE_BOTTOM,
        x_ticks=[Tick(x_at(x_max * q / 4), format_value(x_max * q / 4, unit)) for q in range(5)],
        rows=drawn,
        columns=columns,
        table=table,
        value_name=value_name,
    )
