"""`tiltak render --from/--to`: every month of a range, as the reports printed it, in one file;
CSV for Norwegian Excel; a workbook that prints and scrolls; one HTML report with charts."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import EXAMPLE, Cli
from published import TABLES, read_publication
from test_render import expected_cells

LOADED = ("2014-03", "2014-04", "2014-06")
NOT_LOADED = "2014-05"


@pytest.fixture
def history(cli: Cli, tmp_path: Path) -> dict[str, Path]:
    """Reports of March, April and June 2014 loaded; May's is written but left out."""
    directory = tmp_path / "reports"
    written = cli.tiltak("synth", str(directory), "--months", "4", "--seed", "3")
    assert written.exit_code == 0, written.output
    reports = {month: directory / f"{month}.txt" for month in LOADED}
    loaded = cli.load_report(*reports.values())
    assert loaded.exit_code == 0, loaded.output
    return reports


def published_cells(reports: dict[str, Path], db_url: str) -> dict[tuple[str, ...], object]:
    """(YYYY-MM, view, kjønn, row, column) → the figure each report printed."""
    return {
        (month, *key): value
        for month, path in reports.items()
        for key, value in expected_cells(read_publication(path), db_url).items()
    }


def test_range_csv_has_every_figure_of_every_loaded_month_with_its_periode(
    history: dict[str, Path], cli: Cli, db_url: str
) -> None:
    result = cli.tiltak("render", "--from", "2014-03", "--to", "2014-07", "-f", "csv")
    assert result.exit_code == 0, result.output
    # The gap and the months after the last loaded one are named; the rest is rendered.
    assert result.stderr.strip() == f"Note: not loaded, skipped: {NOT_LOADED}, 2014-07"
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["periode", "table", "kjønn", "radnr", "rad", "column", "value"]
    found = {
        (r["periode"], r["table"], r["kjønn"], r["rad"], r["column"]): (
            int(r["value"]) if r["value"] else None
        )
        for r in rows
    }
    assert len(found) == len(rows)
    assert found == published_cells(history, db_url)


def test_excel_csv_is_utf8_with_bom_semicolons_and_crlf(
    history: dict[str, Path], cli: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "tiltak.csv"
    args = ("render", "--from", "2014-03", "-t", "hovedgrupper", "-f", "csv")
    result = cli.tiltak(*args, "--excel", "-o", str(target))
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfperiode;table;kj\xc3\xb8nn;radnr;rad;column;value\r\n")
    # March 2014's total as the shipped report prints it: 76 393, Endring −2 159.
    assert b"\r\n2014-03;hovedgrupper;;1;I alt;antall;76393\r\n" in raw
    assert b"\r\n2014-03;hovedgrupper;;1;I alt;endring_antall;-2159\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")
    excel_rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    plain = cli.tiltak(*args).stdout
    assert excel_rows == list(csv.reader(io.StringIO(plain)))


def test_range_text_and_markdown_give_each_month_in_turn(
    history: dict[str, Path], cli: Cli
) -> None:
    for output_format in ("text", "markdown"):
        result = cli.tiltak("render", "--from", "2014-03", "-t", "1", "-f", output_format)
        assert result.exit_code == 0, result.output
        months = re.findall(r"^(\w+ 2014)$", result.stdout, flags=re.MULTILINE)
        assert months == ["Mars 2014", "April 2014", "Juni 2014"], output_format


def test_range_xlsx_stacks_every_month_under_one_header_and_prints_one_page_wide(
    history: dict[str, Path], cli: Cli, db_url: str, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "tiltak.xlsx"
    result = cli.tiltak("render", "--from", "2014-03", "--to", "2014-06", "-o", str(target))
    assert result.exit_code == 0, result.output
    workbook = load_workbook(target)
    assert workbook.properties.title.endswith("Mars 2014–Juni 2014")
    assert workbook.sheetnames == list(TABLES)
    found: dict[tuple[str, ...], object] = {}
    for heading, (_number, view) in TABLES.items():
        sheet = workbook[heading]
        header_row = next(r[0].row for r in sheet.iter_rows() if r[0].value == "Periode")
        header = [cell.value for cell in sheet[header_row]]
        by_kjonn = header[1] == "Kjønn"
        label_at = 2 if by_kjonn else 1
        columns = [PUBLISHED_COLUMNS[name] for name in header[label_at + 1 :]]
        for row in sheet.iter_rows(min_row=header_row + 1, values_only=True):
            if not isinstance(row[0], datetime):
                continue  # the legend below the table
            kjonn = row[1] if by_kjonn else ""
            for column, value in zip(columns, row[label_at + 1 :], strict=True):
                assert value is None or type(value) is int
                found[f"{row[0]:%Y-%m}", view, kjonn, row[label_at], column] = value
        # Scrolling keeps the header and the labels in sight; printing repeats the header
        # on every page, one page wide in landscape.
        assert sheet.freeze_panes == f"{'CD'[by_kjonn]}{header_row + 1}"
        assert sheet.print_title_rows == f"${header_row}:${header_row}"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert found == published_cells(history, db_url)


PUBLISHED_COLUMNS = {
    "Antall": "antall",
    "Endring fra i fjor Antall": "endring_antall",
    "Endring fra i fjor Prosent": "endring_prosent",
    "I alt": "i_alt",
    "Andre på tiltak": "andre",
    "Arbeidssøkere på tiltak": "arbeidssokere",
    "Nedsatt arbeidsevne, på tiltak": "nedsatt_arbeidsevne",
}


class _Page(HTMLParser):
    """Ids, link targets, section headings and the months a page's tables are for."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.svg_in_figure = 0
        self.in_figure = False
        self.headings: list[str] = []
        self.in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(found["id"] or "")
        if tag == "a" and (found.get("href") or "").startswith("#"):
            self.links.append((found["href"] or "")[1:])
        if tag == "figure":
            self.in_figure = True
        if tag == "svg" and self.in_figure:
            self.svg_in_figure += 1
        if tag == "h2":
            self.in_h2 = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self.in_figure = False
        if tag == "h2":
            self.in_h2 = False

    def handle_data(self, data: str) -> None:
        if self.in_h2:
            self.headings[-1] += data


def test_range_html_is_one_report_with_charts_inline_contents_and_legend(
    history: dict[str, Path], cli: Cli
) -> None:
    result = cli.tiltak("render", "--from", "2014-03", "-f", "html")
    assert result.exit_code == 0, result.output
    page = result.stdout
    parser = _Page()
    parser.feed(page)
    # Two charts, as SVG in the page itself (no prolog, no external file).
    assert parser.svg_in_figure == 2
    assert "<?xml" not in page and "<img" not in page
    for svg in re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL):
        ET.fromstring(svg)  # noqa: S314 - our own output; each chart is well-formed XML
    # Every contents link leads somewhere, and no id is used twice.
    assert parser.links and set(parser.links) <= set(parser.ids)
    assert len(parser.ids) == len(set(parser.ids))
    assert {"diagram-tiltaksgrupper", "diagram-hovedgrupper", "tegnforklaring"} <= set(parser.ids)
    # The charts draw the rows of tables 3 and 1 (no sums) over the range.
    march = read_publication(history["2014-03"])
    for number, chart in ((3, "diagram-tiltaksgrupper"), (1, "diagram-hovedgrupper")):
        svg = page[page.index(f'<figure id="{chart}"') :].split("</figure>")[0]
        labels = [label for label, _ in march.blocks[number, None].rows if label != "I alt"]
        assert all(f">{label}<" in svg for label in labels), (chart, labels)
    # The tables are the last month's, once each; the legend explains * and blank cells.
    assert "Tabellene for juni 2014" in parser.headings
    assert [h for h in parser.headings if h.startswith("Tabell ")] == [
        f"Tabell {number}. {heading}" for heading, (number, _view) in TABLES.items()
    ]
    legend = page[page.index('id="tegnforklaring"') :]
    assert "<p>* Prikket: tallet er skjult" in legend and "<p>Tom celle" in legend


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2014-03", "--from", "2014-03"], "either --period or --from/--to"),
        ([], "give a month with --period"),
        (["--from", "2015-01"], "no report loaded from 2015-01"),
        (["--from", "2014-06", "--to", "2014-03"], "--from 2014-06 is after --to 2014-03"),
        (["--period", "2014-03", "-f", "xlsx", "--excel"], "--excel applies to csv"),
    ],
)
def test_bad_ranges_are_usage_errors(cli: Cli, args: list[str], message: str) -> None:
    assert cli.load_report(EXAMPLE).exit_code == 0
    result = cli.tiltak("render", *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert message in result.stderr.splitlines()[-1]


def test_a_month_workbook_freezes_its_header_and_prints_landscape_one_page_wide(
    cli: Cli, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    assert cli.load_report(EXAMPLE).exit_code == 0
    target = tmp_path / "2014-03.xlsx"
    assert cli.tiltak("render", "-p", "2014-03", "-o", str(target)).exit_code == 0
    workbook = load_workbook(target)
    assert workbook.properties.title.endswith("Mars 2014")
    sheet = workbook["Tiltak og hovedgrupper"]  # 18 pages long when printed as it comes
    header_row = next(r[1].row for r in sheet.iter_rows() if r[1].value == "I alt")
    assert sheet.freeze_panes == f"B{header_row + 1}"
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
