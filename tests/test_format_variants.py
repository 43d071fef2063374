"""The same report in the other forms editions come in loads, and every figure of the
original publication comes back out of the views."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Cli
from mutations import EXAMPLE, ORIGINAL_BYTES, format_variants
from published import mismatches, read_publication

VARIANTS = format_variants()

# What each variant must contain (`|` separates parts), so a generator doing nothing fails.
EVIDENCE = {
    "byte order mark": b"\xef\xbb\xbf\n",
    "CRLF line ends": b"\r\n",
    "old Mac line ends": b"\r#",
    "Windows-1252": "kjønn".encode("cp1252"),
    "no-break space thousands": "76\u00a0393".encode(),
    "narrow no-break space thousands": "76\u202f393".encode(),
    "minus sign U+2212": "\u22122 159".encode(),
    "extra blank lines": b"\n\n\n",
    "spaces around cells": b" \t <b>76 393</b>",
    "final line break": b"</b>\n",
    "'### ' before every gender line": b"\n### Menn\n\n\tAntall",
    "Windows-1252, CRLF, no-break spaces, blank lines, re-paged": b"kj\xf8nn|76\xa0393|\r\n\r\n",
    "BOM, U+2212, narrow no-break spaces": "\u22122\u202f159".encode(),
}
# Pages of the re-paged variants: the 6 pages before table 5, then the 46 rows below the
# grand total of each of the 3 blocks of tables 5 and 6, `size` rows a page.
REPAGED = {
    "one page per block": 6 + 3,
    "five rows a page": 6 + 3 * 10,
    "a page per row": 6 + 3 * 46,
}


def test_every_variant_is_what_its_name_says() -> None:
    for name, data in VARIANTS.items():
        assert data != ORIGINAL_BYTES, name
        if name in EVIDENCE:
            assert all(part in data for part in EVIDENCE[name].split(b"|")), name
    for name, pages in REPAGED.items():
        assert VARIANTS[name].count(b"# Deltakere") == pages, name
    assert ORIGINAL_BYTES.count(b"# Deltakere") == 15


@pytest.mark.parametrize("name", VARIANTS)
def test_a_format_variant_loads_and_reproduces_every_figure(
    name: str, cli: Cli, db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "2014-03.txt"
    path.write_bytes(VARIANTS[name])
    result = cli.load_report(path)
    assert result.exit_code == 0, result.output
    assert "2014-03 loaded (216 counts)" in result.stdout
    # The independent reader reads UTF-8 only: compare with the original's publication.
    assert mismatches(db_url, read_publication(EXAMPLE)) == []
