"""`tiltak chart`: a table's rows over the loaded months, drawn from the views, as SVG or PNG.

The SVG is read back as a reader of the chart would: each line's points are converted to
counts through the y axis's own tick labels and compared with the figures the reports print.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from conftest import Cli
from mutations import scratch_database
from published import number, read_publication
from synthetic import write_history

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MONTHS = 6
SKIPPED = (date(2014, 6, 1), date(2014, 7, 1))  # the 4th and 5th month: not loaded


@pytest.fixture(scope="module")
def loaded(
    server_url: str, template_name: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Cli, dict[date, Path]]]:
    """Six generated months from March 2014, June and July left out; charts only read, so
    the module shares one database."""
    history = write_history(tmp_path_factory.mktemp("reports"), MONTHS, seed=5)
    reports = {month: path for month, path in history.items() if month not in SKIPPED}
    with scratch_database(server_url, template_name) as url:
        cli = Cli(url)
        result = cli.load_report(*reports.values())
        assert result.exit_code == 0, result.output
        yield cli, reports


@pytest.fixture
def cli(loaded: tuple[Cli, dict[date, Path]]) -> Cli:
    return loaded[0]


@pytest.fixture
def reports(loaded: tuple[Cli, dict[date, Path]]) -> dict[date, Path]:
    return loaded[1]


def chart(cli: Cli, output: Path, *options: str) -> str:
    result = cli.tiltak("chart", "-o", str(output), *options)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def svg_root(path: Path) -> ET.Element:
    # Our own output, not untrusted input: the standard parser is safe here.
    return ET.fromstring(path.read_bytes())  # noqa: S314


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def y_scale(root: ET.Element) -> tuple[float, float]:
    """(count at y = 0, counts per unit of y), from two labelled ticks of the y axis."""
    ticks = []
    for group in root.iter(f"{SVG}g"):
        if not (group.get("id") or "").startswith("ytick_"):
            continue
        mark = next(u for u in group.iter(f"{SVG}use") if u.get(XLINK_HREF))
        label = "".join("".join(t.itertext()) for t in group.iter(f"{SVG}text"))
        value = int(re.sub(r"\D", "", label))  # "24 000" with a narrow no-break space
        ticks.append((float(mark.get("y", "nan")), value))
    (y0, v0), (y1, v1) = ticks[0], ticks[-1]
    per_unit = (v1 - v0) / (y1 - y0)
    return v0 - y0 * per_unit, per_unit


def lines(root: ET.Element) -> list[list[float]]:
    """Each drawn line's points as counts, left to right."""
    at_zero, per_unit = y_scale(root)
    found = []
    for group in root.iter(f"{SVG}g"):
        if re.fullmatch(r"serie-\d+", group.get("id") or ""):
            path = group.find(f"{SVG}path")
            assert path is not None
            points = re.findall(r"[ML] ([-\d.]+) ([-\d.]+)", path.get("d", ""))
            found.append([at_zero + float(y) * per_unit for _x, y in points])
    return found


def published(
    paths: dict[date, Path], table: int, kjonn: str | None = None
) -> dict[str, list[int | None]]:
    """Row label → its Antall (or I alt) month by month, as the reports print them."""
    series: dict[str, list[int | None]] = {}
    for month in sorted(paths):
        for label, cells in read_publication(paths[month]).blocks[table, kjonn].rows:
            series.setdefault(label, []).append(number(cells[0]))
    return series


def test_default_chart_is_the_tiltaksgrupper_of_every_loaded_month(
    cli: Cli, reports: dict[date, Path], tmp_path: Path
) -> None:
    target = tmp_path / "tiltaksgrupper.svg"
    said = chart(cli, target)
    assert said == f"{target}: 10 line(s) of table 3, 2014-03 to 2014-08\n"
    root = svg_root(target)
    shown = texts(root)
    assert "Tiltaksgrupper, mars 2014–august 2014" in shown
    assert any("begge kjønn" in t and "Ingen tall: jun. 2014, jul. 2014" in t for t in shown)
    assert any(t.startswith("Kilde: NAV") for t in shown)
    expected = published(reports, 3)
    del expected["I alt"]  # the total would flatten the small groups against the axis
    assert set(expected) <= set(shown)  # the legend names every group
    drawn = sorted([round(v) for v in line] for line in lines(root))
    assert drawn == sorted(expected.values())
    assert any("\u202f" in t for t in shown)  # thousands grouped as NAV groups them


def test_one_gender_of_the_hovedgrupper_with_their_total_as_png(
    cli: Cli, reports: dict[date, Path], tmp_path: Path
) -> None:
    svg, png = tmp_path / "kvinner.svg", tmp_path / "kvinner.png"
    chart(cli, svg, "--table", "hovedgrupper", "--kjonn", "Kvinner", "--from", "2014-04")
    drawn = sorted([round(v) for v in line] for line in lines(svg_root(svg)))
    after_march = {m: p for m, p in reports.items() if m > date(2014, 3, 1)}
    assert drawn == sorted(published(after_march, 2, "Kvinner").values())
    assert "Hovedgrupper, april 2014–august 2014" in texts(svg_root(svg))

    said = chart(cli, png, "-t", "1", "-k", "Kvinner", "--from", "2014-04")
    assert said.startswith(f"{png}: 4 line(s) of table 2, 2014-04 to 2014-08")
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    image.load()
    width, height = image.size
    assert width > height > 500


def test_a_table_by_kjonn_draws_each_gender_and_tables_5_and_6_their_group_sums(
    cli: Cli, reports: dict[date, Path], tmp_path: Path
) -> None:
    target = tmp_path / "table6.svg"
    chart(cli, target, "--table", "tiltak_hovedgrupper_kjonn", "--to", "2014-05")
    months = {m: p for m, p in reports.items() if m <= date(2014, 5, 1)}
    expected = {
        f"{label}, {kjonn.lower()}": figures
        for kjonn in ("Kvinner", "Menn")
        for label, figures in published(months, 6, kjonn).items()
        if label.startswith("I alt ") and label != f"I alt {kjonn.lower()}"
    }
    assert len(expected) == 20
    root = svg_root(target)
    assert set(expected) <= set(texts(root))
    assert sorted([round(v) for v in line] for line in lines(root)) == sorted(expected.values())


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("-o", "chart.pdf"), "a chart is written as .svg or .png"),
        (("-o", "chart.svg", "--from", "2014-05", "--to", "2014-04"), "is after --to"),
        (("-o", "chart.svg", "--from", "2020-01"), "no figures for table 3"),
        (("-o", "chart.svg", "--kjonn", "Begge"), "Invalid value for '--kjonn'"),
        (
            (
                "-o",
                "no/such/dir/chart.svg",
            ),
            "does not exist",
        ),
    ],
)
def test_a_chart_that_cannot_be_drawn_is_a_usage_error(
    cli: Cli, reports: dict[date, Path], tmp_path: Path, options: tuple[str, ...], message: str
) -> None:
    (*flags,) = options
    flags[1] = str(tmp_path / flags[1])
    result = cli.tiltak("chart", *flags)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not list(tmp_path.glob("chart.*"))


def test_a_chart_of_an_empty_database_says_to_load_first(db_url: str, tmp_path: Path) -> None:
    result = Cli(db_url).tiltak("chart", "-o", str(tmp_path / "chart.svg"))
    assert result.exit_code == 2
    assert result.stderr == "Error: no report loaded: run `load-report FILE` first\n"


def test_reading_series_does_not_import_matplotlib() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tiltak.series\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
