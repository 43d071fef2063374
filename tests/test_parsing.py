"""The input's number and text conventions, and the publication's rounding."""

from __future__ import annotations

import pytest

from conftest import EXAMPLE
from tiltak.errors import ReportError
from tiltak.model import Hidden
from tiltak.parsing import parse_cell, parse_report
from tiltak.reading import decode
from tiltak.tables import percent_change


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("76 393", 76393),
        ("<b>76 393</b>", 76393),
        ("-2 159", -2159),
        ("\u22122\u00a0159", -2159),
        ("1\u202f234", 1234),
        ("", None),
        ("  ", None),
        ("0", 0),
    ],
)
def test_cells(text: str, value: int | None) -> None:
    assert parse_cell(text) == value


@pytest.mark.parametrize("text", ["2 3x0", "12.5", "1,5", "--3", "-", "x", "...", "**"])
def test_cells_that_are_not_counts(text: str) -> None:
    with pytest.raises(ValueError):
        parse_cell(text)


@pytest.mark.parametrize(("text", "bound"), [("*", 3), ("<b>*</b>", 3), ("..", None), (":", None)])
def test_hidden_cells_are_read_with_the_bound_of_their_marker(text: str, bound: int | None) -> None:
    cell = parse_cell(text)
    assert isinstance(cell, Hidden)
    assert (cell.lowest, cell.highest) == (1, bound)


@pytest.mark.parametrize(
    ("endring", "fjor", "percent"),
    [
        (1, 8, 13),  # 12.5 rounds away from zero
        (-1, 8, -13),
        (1, 40, 3),  # 2.5
        (-1, 40, -3),
        (5, 9153, 0),
        (-2159, 78552, -3),
        (0, 0, None),  # no base to compare with
        (7, 0, None),
    ],
)
def test_percent_change_rounds_half_away_from_zero(
    endring: int, fjor: int, percent: int | None
) -> None:
    assert percent_change(endring, fjor) == percent


def test_encodings_and_line_ends_give_the_same_report() -> None:
    raw = EXAMPLE.read_bytes()
    text = raw.decode("utf-8")
    variants = [
        b"\xef\xbb\xbf" + raw,
        raw.replace(b"\n", b"\r\n"),
        text.encode("cp1252"),
    ]
    original = parse_report(raw, "x")
    for variant in variants:
        parsed = parse_report(variant, "x")
        assert parsed.periode == original.periode
        assert parsed.blocks == original.blocks


def test_bytes_neither_utf8_nor_cp1252_are_refused() -> None:
    with pytest.raises(ReportError, match="0x81"):
        decode(b"Mars 2014\n\x81\n", "x")
