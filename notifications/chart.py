"""The digest's small retention chart, drawn to PNG in this process (vl-convert: Vega-Lite without a
browser, and without the network: the data are inline)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    import altair as alt

WIDTH, HEIGHT = 520, 170


def retention_chart(curve: pl.DataFrame) -> alt.Chart:
    """The share of members still in their group, month by month (`month`, `survival` 0–1)."""
    import altair as alt  # when a digest is drawn, not whenever the command line starts

    values = [{"month": int(m), "survival": float(s)} for m, s in zip(curve["month"], curve["survival"], strict=True)]
    return (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=alt.OverlayMarkDef(size=18), color="#1f6feb", strokeWidth=2)
        .encode(
            x=alt.X("month:Q", title="Months in the group", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(
                "survival:Q", title="Still in their group", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
            ),
        )
        .properties(width=WIDTH, height=HEIGHT, background="white")
        .configure_view(strokeWidth=0)
        .configure_axis(labelFontSize=11, titleFontSize=11, grid=True, gridColor="#eef0f3")
    )


def retention_png(curve: pl.DataFrame) -> bytes | None:
    """The chart as a PNG (twice the pixels, for sharp screens), or None when there is no curve yet."""
    if curve.is_empty():
        return None
    import vl_convert

    return vl_convert.vegalite_to_png(retention_chart(curve).to_json(), scale=2)
