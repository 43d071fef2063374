"""`tiltak render`: every format carries exactly the published figures, read from the views."""

from __future__ import annotations

import csv
import io
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from conftest import EXAMPLE, ROOT, Cli
from published import COLUMNS, TABLES, Publication, alias_map, canonical, number, read_publication

VIEWS = (
    "hovedgrupper", "hovedgrupper_kjonn", "tiltaksgrupper", "tiltaksgrupper_kjonn",
    "tiltak_hovedgrupper", "tiltak_hovedgrupper_kjonn", "deltakere",
)  # fmt: skip
THIN_SPACE, MINUS = "\u2009", "\u2212"


@pytest.fixture
def loaded(cli: Cli) -> Cli:
    result = cli.load_report(EXAMPLE)
    assert result.exit_code == 0, result.output
    return cli


def view_contents(url: str) -> dict[str, list[tuple[object, ...]]]:
    contents = {}
    with psycopg.connect(url) as conn:
        for view in VIEWS:
            query = sql.SQL("select * from {} order by 1, 2, 3, 4, 5").format(
                sql.Identifier("rapport", view)
            )
            contents[view] = conn.execute(query).fetchall()
    return contents


def expected_cells(publication: Publication, url: str) -> dict[tuple[str, str, str, str], object]:
    """(view, kjønn, canonical row label, view column) → the published value.

    A blank count is 0 (docs/publication.md); a blank Endring cell is unknown (None).
    """
    aliases = alias_map(url)
    cells: dict[tuple[str, str, str, str], object] = {}
    for (_number, kjonn), block in publication.blocks.items():
        for label, raw_cells in block.rows:
            for column, raw in zip(block.columns, raw_cells, strict=True):
                value = number(raw)
                if value is None and not column.startswith("endring"):
                    value = 0
                cells[block.view, kjonn or "", canonical(label, aliases), column] = value
    return cells


def test_text_output_loads_into_a_fresh_database_with_identical_views(
    loaded: Cli, db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    rendered = tmp_path / "2014-03.txt"
    result = loaded.tiltak("render", "--period", "2014-03", "--output", str(rendered))
    assert result.exit_code == 0, result.output
    reloaded = Cli(empty_db_url).load_report(rendered)
    assert reloaded.exit_code == 0, reloaded.output
    original, copy = view_contents(db_url), view_contents(empty_db_url)
    assert all(original[view] for view in VIEWS)
    assert copy == original

    # And the rendered text prints what the publication prints, cell for cell (row labels
    # differ only where render writes the canonical name for a misprint).
    def cells(path: Path) -> dict[object, list[list[str]]]:
        blocks = read_publication(path).blocks
        return {key: [c for _label, c in block.rows] for key, block in blocks.items()}

    assert cells(rendered) == cells(EXAMPLE)


def test_csv_has_every_published_figure_and_nothing_else(loaded: Cli, db_url: str) -> None:
    result = loaded.tiltak("render", "--period", "2014-03", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["table", "kjønn", "radnr", "rad", "column", "value"]
    found = {
        (r["table"], r["kjønn"], r["rad"], r["column"]): int(r["value"]) if r["value"] else None
        for r in rows
    }
    assert len(found) == len(rows)  # no cell twice
    publication = read_publication(EXAMPLE)
    expected = expected_cells(publication, db_url)
    assert found == expected
    assert sum(1 for v in found.values() if v) + zero_figures(publication) == 597
    # radnr counts rows from 1 in published order within each block.
    aliases = alias_map(db_url)
    order: dict[tuple[str, str], dict[int, str]] = {}
    for r in rows:
        order.setdefault((r["table"], r["kjønn"]), {})[int(r["radnr"])] = r["rad"]
    for (_number, kjonn), block in publication.blocks.items():
        labels = order[block.view, kjonn or ""]
        assert sorted(labels) == list(range(1, len(block.rows) + 1))
        assert [labels[i] for i in sorted(labels)] == [
            canonical(label, aliases) for label, _ in block.rows
        ]


def zero_figures(publication: Publication) -> int:
    """Published figures that are a printed 0 (not blank): CSV holds them as 0."""
    return sum(
        1
        for block in publication.blocks.values()
        for _, cells in block.rows
        for c in cells
        if c and number(c) == 0
    )


def test_xlsx_has_every_published_figure_as_a_number_sum_rows_bold(
    loaded: Cli, db_url: str, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "2014-03.xlsx"
    result = loaded.tiltak("render", "-p", "2014-03", "-f", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.output
    workbook = load_workbook(target)
    assert workbook.sheetnames == list(TABLES)  # one sheet per table, named by its heading
    publication = read_publication(EXAMPLE)
    aliases = alias_map(db_url)
    expected = expected_cells(publication, db_url)
    bold_expected = {
        (block.view, kjonn or "", canonical(label, aliases))
        for (_n, kjonn), block in publication.blocks.items()
        for label, cells in block.rows
        if any(c.startswith("<b>") for c in cells)
    }
    found: dict[tuple[str, str, str, str], object] = {}
    bold_found = set()
    for heading, (_number, view) in TABLES.items():
        sheet = workbook[heading]
        kjonn, columns = "", None
        for row in sheet.iter_rows(min_row=4):
            label, *values = (cell.value for cell in row)
            if label in ("Kvinner", "Menn") and not any(values):
                kjonn = label
            elif label in (None, "") and values and values[0] in ("Antall", "I alt"):
                columns = [COLUMNS[v] for v in values if v]
            elif label:
                assert columns is not None
                for column, cell in zip(columns, row[1:], strict=False):
                    assert cell.value is None or type(cell.value) is int, cell.coordinate
                    found[view, kjonn, label, column] = cell.value
                if row[0].font.b:
                    assert all(cell.font.b for cell in row[: len(columns) + 1])
                    bold_found.add((view, kjonn, label))
    assert found == expected
    assert sum(1 for v in found.values() if v) + zero_figures(publication) == 597
    assert bold_found == bold_expected


class _Tables(HTMLParser):
    """Rows of every <table> of a page: (css class of the row, [cell texts])."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self.captions: list[str] = []
        self.in_body = self.in_cell = self.in_caption = False
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append((dict(attrs).get("class") or "", []))
        elif tag in ("td", "th") and self.in_body:
            self.in_cell, self.text = True, ""
        elif tag == "caption":
            self.in_caption, self.text = True, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False
        elif tag in ("td", "th") and self.in_cell:
            self.rows[-1][1].append(self.text)
            self.in_cell = False
        elif tag == "caption":
            self.captions.append(self.text)
            self.in_caption = False

    def handle_data(self, data: str) -> None:
        if self.in_cell or self.in_caption:
            self.text += data


def test_html_page_has_title_month_source_and_every_figure(loaded: Cli, db_url: str) -> None:
    result = loaded.tiltak("render", "-p", "2014-03", "-f", "html")
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "<h1>Deltakere i arbeidsrettede tiltak. Tiltak og kjønn. En måned</h1>" in page
    assert ">Mars 2014<" in page
    assert "Kilde: NAV" in page
    assert "text-align: right" in page
    assert f"76{THIN_SPACE}393" in page and f"{MINUS}2{THIN_SPACE}159" in page
    assert "76 393" not in page  # no ordinary space as thousands separator
    parser = _Tables()
    parser.feed(page)
    assert parser.captions == ["Kvinner", "Menn"] * 3
    aliases = alias_map(db_url)
    published = [
        (
            any(c.startswith("<b>") for c in cells),
            canonical(label, aliases),
            list(map(number, cells)),
        )
        for block in read_publication(EXAMPLE).blocks.values()
        for label, cells in block.rows
    ]
    shown = [
        (css == "sum", cells[0], [number(c.replace(THIN_SPACE, "")) for c in cells[1:]])
        for css, cells in parser.rows
    ]
    assert shown == published
    figures = [c for _css, cells in parser.rows for c in cells[1:] if c]
    pattern = rf"{MINUS}?\d{{1,3}}({THIN_SPACE}\d{{3}})*"  # −2 159 with a thin space
    assert all(re.fullmatch(pattern, c) for c in figures), figures


def test_one_table_as_markdown(loaded: Cli) -> None:
    result = loaded.tiltak("render", "-p", "2014-03", "--table", "tiltaksgrupper", "-f", "markdown")
    assert result.exit_code == 0, result.output
    assert "## 3. Tiltaksgrupper" in result.stdout
    assert "Hovedgrupper" not in result.stdout
    assert re.search(r"\| \*\*I alt\*\* +\| +76 393 \| +-2 159 \| +-3 \|", result.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "Error: Invalid value for '--format' / '-f'"),
        (["--table", "9"], "Error: Invalid value for '--table' / '-t'"),
        (["--period", "2013-03"], "Error: no report loaded for 2013-03"),
    ],
)
def test_bad_render_arguments_are_usage_errors_on_stderr(
    loaded: Cli, args: list[str], message: str
) -> None:
    result = loaded.tiltak("render", "--period", "2014-03", *args)
    assert result.exit_code == 2  # a usage error, as click's own
    assert result.stdout == ""
    assert [line for line in result.stderr.splitlines() if line.startswith("Error")] == [
        result.stderr.splitlines()[-1]
    ]
    assert result.stderr.splitlines()[-1].startswith(message), result.stderr


@pytest.mark.required_in_ci
@pytest.mark.skipif(
    not any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")),
    reason="chromium is not installed (apt-get install -y chromium); CI installs it",
)
def test_screenshot_script_renders_the_page_to_a_png(loaded: Cli, tmp_path: Path) -> None:
    page, png = tmp_path / "2014-03.html", tmp_path / "2014-03.png"
    assert loaded.tiltak("render", "-p", "2014-03", "-f", "html", "-o", str(page)).exit_code == 0
    script = ROOT / "scripts" / "screenshot-html.sh"
    done = subprocess.run(
        [str(script), str(page), str(png), "800x3000"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (800, 3000)


@pytest.mark.required_in_ci
@pytest.mark.skipif(
    not any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")),
    reason="chromium is not installed (apt-get install -y chromium); CI installs it",
)
def test_screenshot_of_the_report_over_a_range_shows_its_charts(cli: Cli, tmp_path: Path) -> None:
    from PIL import Image

    reports = tmp_path / "reports"
    assert cli.tiltak("synth", str(reports), "--months", "3").exit_code == 0
    assert cli.load_report(*sorted(reports.glob("*.txt"))).exit_code == 0
    page, png = tmp_path / "range.html", tmp_path / "range.png"
    rendered = cli.tiltak("render", "--from", "2014-03", "-f", "html", "-o", str(page))
    assert rendered.exit_code == 0, rendered.output
    script = ROOT / "scripts" / "screenshot-html.sh"
    done = subprocess.run(
        [str(script), str(page), str(png), "900x1400"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # The first chart's lines are drawn in colour near the top of the page, where a page
    # without charts would have only black text on white.
    image = Image.open(png).convert("RGB")
    assert image.size == (900, 1400)
    top = image.crop((0, 300, 900, 900))
    colours = top.getcolors(maxcolors=1 << 20) or []
    coloured = sum(n for n, (r, g, b) in colours if max(r, g, b) - min(r, g, b) > 80)
    assert coloured > 2000, coloured
