"""reports.charts: the geometry of line and range charts, and the partials that draw them as
accessible SVG with a table of every figure (no inline style: the CSP allows none)."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string

from reports import charts
from reports.charts import RangeRow, Series


def _chart(**overrides: object) -> charts.LineChart:
    fields: dict[str, object] = {
        "key": "test",
        "title": "Share done",
        "summary": "Idaho's share of items done rose from 10% to 30% over 3 weeks.",
        "x_labels": ["Nov 16", "Nov 23", "Nov 30", "Dec 7"],
        "x_headers": ["Week of Nov 16", "Week of Nov 23", "Week of Nov 30", "Week of Dec 7"],
        "series": [Series("Items done", [10, 20, None, 30], label="Done"), Series("Progress", [12, 22, 25, 31])],
    }
    return charts.line_chart(**(fields | overrides))  # type: ignore[arg-type]


def test_a_gap_breaks_the_line_and_every_figure_has_a_marker() -> None:
    done, progress = _chart().series

    assert len(done.lines) == 1, "the run before the gap is drawn; a lone point after it is a marker only"
    assert done.markers.count("M") == 3
    assert len(progress.lines) == 1 and progress.markers.count("M") == 4
    assert (done.style, progress.style) == (1, 2)


def test_each_line_is_named_at_its_end_with_its_last_figure_and_labels_never_overlap() -> None:
    chart = _chart(series=[Series(f"Series {n}", [50, 50, 50, 50 + n * 0.5]) for n in range(5)])

    ends = [s.end for s in chart.series]
    assert all(end is not None for end in ends)
    ys = sorted(end.y for end in ends if end is not None)
    assert all(b - a >= charts.LABEL_GAP for a, b in zip(ys, ys[1:], strict=False))
    assert all(chart.plot_top <= y <= chart.plot_bottom + 4 for y in ys)
    assert ends[0] is not None and ends[0].text == "Series 0 50%"


def test_the_x_axis_labels_thin_out_but_always_name_the_latest_week() -> None:
    labels = [f"W{n}" for n in range(26)]
    chart = _chart(x_labels=labels, x_headers=None, series=[Series("Done", list(range(26)))])

    shown = [tick.text for tick in chart.x_ticks]
    assert len(shown) <= charts.MAX_X_LABELS
    assert shown[-1] == "W25"
    assert [row.header for row in chart.rows] == labels, "the table keeps every week"


def test_the_table_holds_every_figure_and_says_where_there_is_none() -> None:
    chart = _chart()

    assert chart.columns == ["Items done", "Progress"]
    assert [(row.header, row.cells) for row in chart.rows][2] == ("Week of Nov 30", ["no figure", "25%"])


def test_values_must_match_the_x_axis() -> None:
    with pytest.raises(ValueError, match="has 2 values for 4 x labels"):
        _chart(series=[Series("Done", [1, 2])])


def test_the_partial_draws_a_named_described_image_and_its_table_without_inline_style() -> None:
    html = render_to_string("reports/charts/line.html", {"chart": _chart()})

    assert re.search(
        r'<svg[^>]*role="img"[^>]*aria-labelledby="chart-test-title"[^>]*aria-describedby="chart-test-desc"', html
    )
    assert '<title id="chart-test-title">Share done</title>' in html
    assert '<desc id="chart-test-desc">Line chart, 2 lines (Items done, Progress)' in html
    assert '<figcaption class="jp-chart__summary">Idaho&#x27;s share of items done rose' in html
    assert '<th scope="row">Week of Nov 30</th><td>no figure</td><td>25%</td>' in html
    assert "jp-chart__series--2" in html
    assert "style=" not in html


def test_a_range_chart_places_the_spread_and_the_value() -> None:
    row = charts.spread("Governance", [10, 20, 30, 40, 50], value=35)
    assert (row.low, row.q1, row.median, row.q3, row.high, row.value) == (10, 20, 30, 40, 50, 35)

    chart = charts.range_chart(key="spread", title="Spread", summary="Median 30%.", rows=[row], value_name="Idaho")
    drawn = chart.rows[0]

    assert drawn.low_x < drawn.q1_x < drawn.median_x < drawn.q3_x < drawn.high_x
    assert drawn.q1_x < drawn.value_x < drawn.q3_x  # type: ignore[operator]
    assert chart.columns[-1] == "Idaho"
    assert chart.table[0].cells == ["10%", "20%", "30%", "40%", "50%", "35%"]
    html = render_to_string("reports/charts/range.html", {"chart": chart})
    assert 'role="img"' in html and "a diamond at Idaho" in html and "style=" not in html


def test_a_spread_of_one_figure_is_that_figure_throughout() -> None:
    assert charts.spread("Teaming", [42]) == RangeRow("Teaming", 42, 42, 42, 42, 42)


@pytest.mark.parametrize(
    ("first", "last", "phrase"),
    [
        (12, 30, "rose from 12% to 30%"),
        (30, 12, "fell from 30% to 12%"),
        (20, 20, "stayed at 20%"),
        (22.5, 20, "fell from 22.5% to 20%"),
        (None, 20, "is 20%"),
    ],
)
def test_a_change_reads_as_words(first: float | None, last: float | None, phrase: str) -> None:
    assert charts.change_phrase(first, last) == phrase
