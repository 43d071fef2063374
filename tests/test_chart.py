"""Line charts: valid SVG and PNG, Norwegian labels, gaps for hidden figures, same bytes for
the same figures, and matplotlib kept out of the commands that do not draw."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from conftest import EXAMPLE, ROOT
from published import number, read_publication
from tiltak.errors import UsageError
from tiltak.formats.chart import Point, chart_kind, format_count, format_range, render_chart

SVG = "{http://www.w3.org/2000/svg}"
NARROW_NO_BREAK_SPACE = "\u202f"
# 29.7 × 21.0 cm less the printer's margins, in inches.
A4_LANDSCAPE_PRINTABLE = ((29.7 - 1.0) / 2.54, (21.0 - 1.0) / 2.54)


def month(index: int) -> date:
    """The index-th month after March 2014."""
    return date(2014 + (2 + index) // 12, (2 + index) % 12 + 1, 1)


def tiltaksgrupper_of_march_2014() -> dict[str, int]:
    block = read_publication(EXAMPLE).blocks[(3, None)]
    figures = {label: number(cells[0]) for label, cells in block.rows if label != "I alt"}
    return {label: figure for label, figure in figures.items() if figure is not None}


def realistic_series(months: int = 24) -> dict[str, list[Point]]:
    """The ten tiltaksgrupper of March 2014, drifting by a few per mille a month."""
    return {
        label: [(month(i), figure + (i * figure * (number_ % 5 - 2)) // 400) for i in range(months)]
        for number_, (label, figure) in enumerate(tiltaksgrupper_of_march_2014().items())
    }


def draw(series: dict[str, list[Point]], kind: str = "svg") -> bytes:
    return render_chart(
        series,
        title="Deltakere i arbeidsrettede tiltak: tiltaksgrupper",
        subtitle="Begge kjønn, mars 2014–februar 2016",
        kind=kind,  # type: ignore[arg-type]
    )


def svg_root(data: bytes) -> ET.Element:
    # Our own output, not untrusted input: the standard parser is safe here.
    return ET.fromstring(data)  # noqa: S314


def svg_texts(data: bytes) -> list[str]:
    return ["".join(text.itertext()) for text in svg_root(data).iter(f"{SVG}text")]


def tick_labels(data: bytes, axis: str) -> list[str]:
    number_ = {"x": 1, "y": 2}[axis]
    for group in svg_root(data).iter(f"{SVG}g"):
        if group.get("id") == f"matplotlib.axis_{number_}":
            return ["".join(text.itertext()) for text in group.iter(f"{SVG}text")]
    raise AssertionError(f"no {axis} axis in the SVG")


def line_group(data: bytes, number_: int) -> ET.Element:
    for group in svg_root(data).iter(f"{SVG}g"):
        if group.get("id") == f"serie-{number_}":
            return group
    raise AssertionError(f"no line serie-{number_} in the SVG")


def line_path(group: ET.Element) -> str:
    """The line's own path (the group's markers are defined in paths of their own, deeper)."""
    (path,) = group.findall(f"{SVG}path")
    return path.get("d", "")


def segments(group: ET.Element) -> int:
    """Runs of connected points in a line: each starts with a move-to in the path data."""
    return len(re.findall(r"\bM\b", line_path(group)))


def vertices(group: ET.Element) -> int:
    return len(re.findall(r"\b[ML]\b", line_path(group)))


def markers(group: ET.Element) -> int:
    return sum(1 for _ in group.iter(f"{SVG}use"))


def test_svg_carries_title_period_labels_and_source() -> None:
    series = realistic_series()
    texts = svg_texts(draw(series))
    joined = "\n".join(texts)
    assert "Deltakere i arbeidsrettede tiltak: tiltaksgrupper" in texts
    assert "Begge kjønn, mars 2014–februar 2016" in texts
    assert "Antall deltakere" in texts
    assert "Kilde: NAV, «Deltakere i arbeidsrettede tiltak. Tiltak og kjønn. En måned»" in joined
    for label in series:
        assert label in texts, label
    assert len(series) == 10


def test_y_ticks_group_thousands_with_a_narrow_space() -> None:
    ticks = [t for t in tick_labels(draw(realistic_series()), "y") if t != "Antall deltakere"]
    grouped = [t for t in ticks if re.fullmatch(rf"\d{{1,3}}({NARROW_NO_BREAK_SPACE}\d{{3}})+", t)]
    assert len(grouped) >= 3, ticks
    assert not [t for t in ticks if re.fullmatch(r"\d{4,}", t)], "a figure without grouping"
    assert format_count(76393) == "76\u202f393"
    assert format_count(-2159) == "\u22122\u202f159"


def test_months_are_labelled_in_norwegian() -> None:
    series = {"Opplæring": [(date(2015, m, 1), 18000 + m) for m in (1, 2, 3, 4, 5)]}
    texts = svg_texts(draw(series))
    assert [
        t.split("\n")[0]
        for t in texts
        if t.split("\n")[0] in ("jan.", "feb.", "mar.", "apr.", "mai")
    ] == ["jan.", "feb.", "mar.", "apr.", "mai"]
    assert "2015" in texts
    assert format_range(date(2014, 3, 1), date(2016, 2, 1)) == "mars 2014–februar 2016"
    assert format_range(date(2014, 3, 1), date(2014, 3, 1)) == "mars 2014"


def test_a_decade_is_labelled_by_year() -> None:
    decade = {"Opplæring": [(date(2010 + m // 12, m % 12 + 1, 1), 18000) for m in range(120)]}
    assert tick_labels(draw(decade), "x") == [str(year) for year in range(2010, 2020)]


def test_png_decodes_to_a_page_that_fits_a4_landscape() -> None:
    data = draw(realistic_series(), kind="png")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    image.load()
    width, height = image.size
    dpi_x, dpi_y = image.info["dpi"]
    inches = (width / dpi_x, height / dpi_y)
    assert inches[0] <= A4_LANDSCAPE_PRINTABLE[0] and inches[1] <= A4_LANDSCAPE_PRINTABLE[1]
    # Big enough to be read at arm's length: at least two thirds of the page's width.
    assert inches[0] >= A4_LANDSCAPE_PRINTABLE[0] * 2 / 3
    assert dpi_x >= 150, "too coarse for print"
    assert width > height


def test_hidden_figures_break_the_line_and_an_isolated_figure_keeps_its_marker() -> None:
    shown = [(month(i), 500 + 10 * i) for i in range(9)]
    hidden_at = {2, 6, 8}  # runs left: 0-1, 3-5, 7 (alone)
    gappy = [(m, None if i in hidden_at else v) for i, (m, v) in enumerate(shown)]
    data = draw({"Full": shown, "Prikket": gappy})
    assert segments(line_group(data, 1)) == 1
    assert segments(line_group(data, 2)) == 3
    assert any("skjult (prikket)" in t for t in svg_texts(data))
    assert not any("skjult (prikket)" in t for t in svg_texts(draw({"Full": shown})))


def test_a_lone_figure_between_hidden_ones_keeps_its_marker_on_a_long_line() -> None:
    # On five years not every point carries a marker, but a lone point is nothing without one.
    gappy = [(month(i), None if i in (30, 32) else 400 + i) for i in range(60)]
    group = line_group(draw({"Prikket": gappy}), 1)
    lone = re.search(r"M (\S+) (\S+)\s+M", line_path(group))
    assert lone, line_path(group)
    at = {(use.get("x"), use.get("y")) for use in group.iter(f"{SVG}use")}
    assert (lone[1], lone[2]) in at
    assert markers(group) < 58, "a marker on every point of a long line is a blur"


def test_a_hidden_figure_is_no_point_at_all_not_a_zero() -> None:
    gappy = [(month(0), 700), (month(1), None), (month(2), 710)]
    zero = [(month(0), 700), (month(1), 0), (month(2), 710)]
    assert vertices(line_group(draw({"A": gappy}), 1)) == 2
    assert vertices(line_group(draw({"A": zero}), 1)) == 3


def test_legend_lists_the_lines_as_they_end_top_to_bottom() -> None:
    series = {
        "Lav": [(month(0), 100), (month(1), 150)],
        "Høy": [(month(0), 900), (month(1), 950)],
        "Midt": [(month(0), 950), (month(1), 500)],
    }
    texts = svg_texts(draw(series))
    assert [t for t in texts if t in series] == ["Høy", "Midt", "Lav"]


def test_one_series_of_one_month_still_draws() -> None:
    series = {"Opplæring": [(date(2014, 3, 1), 18736)]}
    texts = svg_texts(draw(series))
    assert "Opplæring" in texts
    assert markers(line_group(draw(series), 1)) == 1
    png = Image.open(io.BytesIO(draw(series, kind="png")))
    png.load()
    assert png.size[0] > 0


@pytest.mark.parametrize(
    "series",
    [{}, {"Opplæring": []}],
    ids=["no series", "series without months"],
)
def test_nothing_to_draw_is_a_usage_error(series: dict[str, list[Point]]) -> None:
    with pytest.raises(UsageError, match="nothing to draw"):
        draw(series)


def test_more_lines_than_a_legend_holds_is_a_usage_error() -> None:
    long_names = {
        f"Arbeidsrettet rehabilitering (døgn) - sykmeldt arbeidstaker {n}": [(month(0), n)]
        for n in range(21)
    }
    with pytest.raises(UsageError, match="21 lines are too many"):
        draw(long_names)
    del long_names["Arbeidsrettet rehabilitering (døgn) - sykmeldt arbeidstaker 20"]
    root = svg_root(draw(long_names))
    plot = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "patch_2").find(f"{SVG}path")
    assert plot is not None
    xs = [float(x) for x in re.findall(r"[ML] ([\d.]+)", plot.get("d", ""))]
    page_width = float(root.get("viewBox", "").split()[2])
    assert max(xs) - min(xs) >= 0.45 * page_width, "the legend crowds out the plot"


def test_unknown_kind_and_extension_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="svg or png"):
        draw(realistic_series(2), kind="pdf")
    assert chart_kind(Path("ut/tiltak.SVG")) == "svg"
    assert chart_kind(Path("tiltak.png")) == "png"
    for name in ("tiltak.pdf", "tiltak"):
        with pytest.raises(UsageError, match=r"\.svg or \.png"):
            chart_kind(Path(name))


_DRAW_IN_ANOTHER_PROCESS = """
import hashlib, sys
sys.path.insert(0, {tests!r})
from test_chart import draw, realistic_series
print(hashlib.sha256(draw(realistic_series(), "svg")).hexdigest())
print(hashlib.sha256(draw(realistic_series(), "png")).hexdigest())
"""


def test_same_figures_give_the_same_bytes_in_another_process() -> None:
    here = [hashlib.sha256(draw(realistic_series(), kind)).hexdigest() for kind in ("svg", "png")]
    assert draw(realistic_series()) == draw(realistic_series())
    done = subprocess.run(
        [sys.executable, "-c", _DRAW_IN_ANOTHER_PROCESS.format(tests=str(ROOT / "tests"))],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.split() == here


def test_svg_has_no_creation_date() -> None:
    data = draw(realistic_series(2)).decode()
    assert "<dc:date>" not in data


def test_commands_that_do_not_draw_do_not_import_matplotlib() -> None:
    code = (
        "import sys, tiltak.cli, tiltak.loading, tiltak.commands, tiltak.formats.chart\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"
